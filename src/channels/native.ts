// Builds the native channels (WeChat, LINE, Telegram) that configuration enables; the others stay off (their routes 404).
import type { AppConfig } from '../env.js';
import type { Logger } from '../lib/log.js';
import type { StatePort } from '../state/port.js';
import { LineChannel } from './line/channel.js';
import type { Outbound } from './outbound.js';
import { TelegramChannel } from './telegram/channel.js';
import { WechatChannel } from './wechat/channel.js';

export interface NativeChannels {
  wechat?: WechatChannel;
  line?: LineChannel;
  telegram?: TelegramChannel;
}

/**
 * One channel per platform whose credentials are set. Half a configuration is refused at start (a
 * webhook that cannot verify requests, or cannot answer them, is worse than none).
 */
export function createNativeChannels(input: { config: AppConfig; state: StatePort; log: Logger; fetch?: typeof fetch }): NativeChannels {
  const { config: c, state, log } = input;
  const channels: NativeChannels = {};
  const wechat = [c.WECHAT_APP_ID, c.WECHAT_APP_SECRET, c.WECHAT_TOKEN];
  if (wechat.some(Boolean)) {
    if (!wechat.every(Boolean)) throw new Error('WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_TOKEN must be set together');
    channels.wechat = new WechatChannel({
      appId: c.WECHAT_APP_ID!,
      appSecret: c.WECHAT_APP_SECRET!,
      token: c.WECHAT_TOKEN!,
      encodingAesKey: c.WECHAT_ENCODING_AES_KEY,
      apiBase: c.WECHAT_API_BASE,
      state,
      log,
      fetch: input.fetch,
    });
  } else if (c.WECHAT_ENCODING_AES_KEY) {
    throw new Error('WECHAT_ENCODING_AES_KEY needs WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_TOKEN');
  }
  if (c.LINE_CHANNEL_SECRET || c.LINE_CHANNEL_ACCESS_TOKEN) {
    if (!c.LINE_CHANNEL_SECRET || !c.LINE_CHANNEL_ACCESS_TOKEN)
      throw new Error('LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set together');
    channels.line = new LineChannel({
      channelSecret: c.LINE_CHANNEL_SECRET,
      channelAccessToken: c.LINE_CHANNEL_ACCESS_TOKEN,
      apiBase: c.LINE_API_BASE,
      log,
    });
  }
  if (c.TELEGRAM_BOT_TOKEN || c.TELEGRAM_WEBHOOK_SECRET) {
    if (!c.TELEGRAM_BOT_TOKEN || !c.TELEGRAM_WEBHOOK_SECRET) {
      // Without the secret anyone who guesses the URL could post updates as any user.
      throw new Error('TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET must be set together');
    }
    channels.telegram = new TelegramChannel({
      botToken: c.TELEGRAM_BOT_TOKEN,
      webhookSecret: c.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: c.TELEGRAM_API_ROOT,
      state,
      log,
      fetch: input.fetch,
    });
  }
  return channels;
}

/** Registers every enabled native channel with the proactive delivery port. */
export function registerNativeChannels(outbound: Outbound, channels: NativeChannels): void {
  for (const channel of [channels.wechat, channels.line, channels.telegram]) if (channel) outbound.registerChannel(channel);
}
