// Test support: the local WeChat, LINE and Telegram API servers together, and the app settings that point at them.
import { type LocalLine, startLocalLine } from './line.js';
import { type LocalTelegram, startLocalTelegram } from './telegram.js';
import { type LocalWechat, startLocalWechat, type WechatAccount } from './wechat.js';

export const LINE_SECRET = 'line-secret';
export const TG_SECRET = 'tg-secret';
const WX_SECRET = 'wx-secret';
const LINE_TOKEN = 'line-token';
const TG_TOKEN = '7:tg';

/** A safe-mode (encrypted) WeChat account with the given original id (gh_...). */
export const wechatAccount = (account: string): WechatAccount => ({
  token: 'wx-token',
  appId: 'wx2c2769f8efd9abc2',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  account,
});

export interface NativeChannels {
  wx: LocalWechat;
  line: LocalLine;
  tg: LocalTelegram;
  /** The app's environment for all three channels against these servers. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startNativeChannels(wxAccount: WechatAccount): Promise<NativeChannels> {
  const [wx, line, tg] = await Promise.all([
    startLocalWechat({ appId: wxAccount.appId, appSecret: WX_SECRET }),
    startLocalLine(LINE_TOKEN),
    startLocalTelegram(TG_TOKEN),
  ]);
  return {
    wx,
    line,
    tg,
    env: {
      WECHAT_APP_ID: wxAccount.appId,
      WECHAT_APP_SECRET: WX_SECRET,
      WECHAT_TOKEN: wxAccount.token,
      WECHAT_ENCODING_AES_KEY: wxAccount.aesKey ?? '',
      WECHAT_API_BASE: wx.url,
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
      LINE_API_BASE: line.url,
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: tg.url,
    },
    close: async () => {
      await Promise.all([wx.close(), line.close(), tg.close()]);
    },
  };
}
