// WeChat Official Account channel: verify and parse pushes (plaintext and safe mode), passive replies, customer-service sends.
import type { OutboundReply } from '../../assistant/types.js';
import { DomainError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { StatePort } from '../../state/port.js';
import type { InboundActivity } from '../../turn/types.js';
import {
  type ChannelCapabilities,
  type ChannelEvent,
  type Received,
  type SendingRules,
  type SendOptions,
  splitText,
  suggestionsAsText,
  type WebhookChannel,
} from '../contract.js';
import type { SendResult, StoredReference } from '../outbound.js';
import { type CustomMessage, WechatApi, WechatApiError } from './api.js';
import { timingSafeEqualStr, WechatCipher, WechatCryptoError, wechatSignature } from './crypto.js';
import { buildXml, parseXml, XmlError, type XmlNode, xmlText } from './xml.js';

export const WECHAT_CHANNEL_ID = 'wechat';

export interface WechatConfig {
  appId: string;
  appSecret: string;
  /** The Token set in the console's server configuration (signs every push). */
  token: string;
  /** Safe mode: the console's EncodingAESKey (43 characters). Without it pushes must be plaintext. */
  encodingAesKey?: string;
  apiBase: string;
  state: StatePort;
  log: Logger;
  fetch?: typeof fetch;
  /** Wall clock for the timestamp freshness check (tests may move it). */
  now?: () => number;
}

/** What answering one push needs: who to answer, as whom, and whether the answer must be encrypted. */
export interface WechatHandle {
  openid: string;
  account: string;
}

/** Signed pushes older (or newer) than this are refused; WeChat retries within seconds, so this only stops replays. */
const MAX_CLOCK_SKEW_SECONDS = 300;
/** Menu-message choices are remembered as long as the window they were sent in. */
const MENU_TTL_SECONDS = 48 * 3600;

const TEXT_MAX_BYTES = 2048;

export const WECHAT_CAPABILITIES: ChannelCapabilities = {
  // Menu messages (msgmenu) exist only as customer-service messages; passive replies are plain text.
  quickReplies: { max: 11, titleChars: 30, inReplies: false },
  cards: false,
  maxTextChars: TEXT_MAX_BYTES,
  maxTextBytes: TEXT_MAX_BYTES,
  maxMessagesPerSend: 1,
  proactive: true,
  senderNames: 'prefix',
};

/**
 * WeChat's customer-service message rules since June 2023: after the member writes, 5 messages within
 * 48 hours; after a menu click, follow or QR scan, 3 within a minute. Counts do not add up: a new action
 * opens a fresh window. Outside them only template messages (service notices) can be sent.
 */
export const WECHAT_RULES: SendingRules = {
  windows: [
    { openedBy: 'message', seconds: 48 * 3600, maxMessages: 5 },
    { openedBy: 'event', seconds: 60, maxMessages: 3 },
  ],
  serviceTemplates: true,
  // Customer-service messages have no idempotency key: a resend is a second message.
  deduplicates: false,
};

function menuId(): string {
  const b = new Uint32Array(1);
  crypto.getRandomValues(b);
  return String(100_000_000 + (b[0] % 900_000_000));
}

export class WechatChannel implements WebhookChannel<WechatHandle> {
  readonly id = WECHAT_CHANNEL_ID;
  readonly capabilities = WECHAT_CAPABILITIES;
  readonly rules = WECHAT_RULES;
  readonly api: WechatApi;
  private readonly cipher: WechatCipher | null;
  private readonly now: () => number;

  constructor(private readonly config: WechatConfig) {
    this.api = new WechatApi({
      appId: config.appId,
      appSecret: config.appSecret,
      apiBase: config.apiBase,
      state: config.state,
      log: config.log,
      fetch: config.fetch,
    });
    this.cipher = config.encodingAesKey ? new WechatCipher(config.encodingAesKey, config.appId) : null;
    this.now = config.now ?? Date.now;
  }

  /** True when pushes are encrypted (safe mode) and so must our passive replies be. */
  get safeMode(): boolean {
    return this.cipher !== null;
  }

  /**
   * Verifies a request from WeChat. GET with `echostr` is the console's server URL check and is answered
   * with the echo; POST is a pushed message, whose `signature` (and in safe mode `msg_signature` over the
   * ciphertext) must match, and whose timestamp must be recent.
   */
  async receive(req: Request): Promise<Received<WechatHandle>> {
    const q = new URL(req.url).searchParams;
    const signature = q.get('signature') ?? '';
    const timestamp = q.get('timestamp') ?? '';
    const nonce = q.get('nonce') ?? '';
    if (!signature || !/^\d{1,12}$/.test(timestamp) || !nonce || nonce.length > 64) {
      throw new DomainError('unauthorized', 'Missing or malformed WeChat signature parameters');
    }
    if (!timingSafeEqualStr(await wechatSignature(this.config.token, timestamp, nonce), signature)) {
      throw new DomainError('unauthorized', 'Invalid WeChat signature');
    }
    if (req.method === 'GET') {
      const echostr = q.get('echostr');
      if (!echostr) throw new DomainError('bad_request', 'echostr is required');
      return { events: [], response: new Response(echostr, { headers: { 'content-type': 'text/plain; charset=utf-8' } }) };
    }
    if (Math.abs(this.now() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      throw new DomainError('unauthorized', 'WeChat timestamp is too old or in the future');
    }
    let xml: XmlNode;
    try {
      xml = parseXml(await req.text());
      if (this.cipher) {
        if (q.get('encrypt_type') !== 'aes') throw new DomainError('unauthorized', 'Safe mode is on: pushes must be encrypted');
        const encrypted = xmlText(xml, 'Encrypt');
        if (!encrypted) throw new DomainError('bad_request', 'Encrypt is missing');
        const msgSignature = q.get('msg_signature') ?? '';
        if (!timingSafeEqualStr(await wechatSignature(this.config.token, timestamp, nonce, encrypted), msgSignature)) {
          throw new DomainError('unauthorized', 'Invalid WeChat msg_signature');
        }
        xml = parseXml(await this.cipher.decrypt(encrypted));
      } else if (q.get('encrypt_type') === 'aes') {
        throw new DomainError('bad_request', 'Encrypted push but no WECHAT_ENCODING_AES_KEY is configured');
      }
    } catch (err) {
      if (err instanceof XmlError) throw new DomainError('bad_request', `Not a WeChat message: ${err.message}`);
      if (err instanceof WechatCryptoError)
        throw new DomainError('forbidden', `Message could not be decrypted for this account: ${err.message}`);
      throw err;
    }
    const event = await this.toEvent(xml);
    return { events: event ? [event] : [] };
  }

  private async toEvent(xml: XmlNode): Promise<ChannelEvent<WechatHandle> | null> {
    const openid = xmlText(xml, 'FromUserName');
    const account = xmlText(xml, 'ToUserName');
    const type = xmlText(xml, 'MsgType');
    if (!openid || !account || !type || openid.length > 128)
      throw new DomainError('bad_request', 'FromUserName, ToUserName and MsgType are required');
    const base = { channelId: WECHAT_CHANNEL_ID, channelUserId: openid, channelConversationId: openid, locale: 'zh-CN' };
    const handle: WechatHandle = { openid, account };
    const reference = { openid, appId: this.config.appId, account };
    const event = (activity: InboundActivity, extra: Partial<ChannelEvent<WechatHandle>> = {}): ChannelEvent<WechatHandle> => ({
      activity,
      reference,
      handle,
      ...extra,
    });
    if (type === 'event') {
      const name = (xmlText(xml, 'Event') ?? '').toLowerCase();
      const key = xmlText(xml, 'EventKey') ?? '';
      // Events carry no MsgId; WeChat's advice is to dedupe them by sender + CreateTime.
      const activityId = `${openid}:${xmlText(xml, 'CreateTime') ?? ''}:${name}:${key}`.slice(0, 256);
      if (name === 'subscribe') {
        return event(
          { ...base, activityId, type: 'conversationUpdate', userJoined: true },
          { interaction: 'event', subscription: 'subscribed' },
        );
      }
      if (name === 'unsubscribe') return event({ ...base, activityId, type: 'other' }, { subscription: 'unsubscribed' });
      // A CLICK button's key is what the member "says": set keys to words like 我的积分 in the console.
      if (name === 'click' && key)
        return event({ ...base, activityId, type: 'message', text: key.slice(0, 500) }, { interaction: 'event' });
      if (name === 'scan' || name === 'click') return event({ ...base, activityId, type: 'other' }, { interaction: 'event' });
      return event({ ...base, activityId, type: 'other' });
    }
    const activityId = xmlText(xml, 'MsgId') ?? `${openid}:${xmlText(xml, 'CreateTime') ?? ''}`;
    if (type === 'text') {
      let text = xmlText(xml, 'Content') ?? '';
      // A tap on a menu-message choice arrives as text with the choice's id: send its value, not its title.
      const menu = xmlText(xml, 'bizmsgmenuid');
      if (menu) text = (await this.config.state.get(`wechat:menu:${openid}:${menu}`)) ?? text;
      return event({ ...base, activityId, type: 'message', text }, { interaction: 'message' });
    }
    // Speech recognition (when enabled in the console) turns voice into text we can answer.
    const recognition = type === 'voice' ? xmlText(xml, 'Recognition') : undefined;
    if (recognition) return event({ ...base, activityId, type: 'message', text: recognition }, { interaction: 'message' });
    return event({ ...base, activityId, type: 'message', text: '', hasAttachments: true }, { interaction: 'message' });
  }

  /**
   * The passive reply: one text message in the HTTP response (encrypted in safe mode). Several replies are
   * joined into one; what does not fit the 2048-byte limit is returned for a customer-service send.
   */
  async passiveReply(event: ChannelEvent<WechatHandle>, replies: OutboundReply[]): Promise<{ response: Response; rest: OutboundReply[] }> {
    const joined: OutboundReply = { text: replies.map((r) => r.text).join('\n\n'), suggestions: replies.at(-1)?.suggestions };
    const [first, ...rest] = fitPassive(joined);
    const plain = buildXml({
      ToUserName: event.handle.openid,
      FromUserName: event.handle.account,
      CreateTime: Math.floor(this.now() / 1000),
      MsgType: 'text',
      Content: first.text,
    });
    if (!this.cipher) return { response: xmlResponse(plain), rest };
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = menuId();
    const encrypted = await this.cipher.encrypt(plain);
    const body = buildXml({
      Encrypt: encrypted,
      MsgSignature: await wechatSignature(this.config.token, timestamp, nonce, encrypted),
      TimeStamp: Number(timestamp),
      Nonce: nonce,
    });
    return { response: xmlResponse(body), rest };
  }

  /** Answers a push through the customer-service API (when the passive window has passed). */
  async reply(event: ChannelEvent<WechatHandle>, replies: OutboundReply[]): Promise<SendResult> {
    return this.deliver(event.handle.openid, replies);
  }

  /** Proactive: customer-service messages inside the window, or a template for a service notice outside it. */
  async send(ref: StoredReference, replies: OutboundReply[], options: SendOptions): Promise<SendResult> {
    const openid = String(ref.reference.openid ?? '');
    if (!openid) return { status: 'failed', retryable: false, error: 'reference has no openid' };
    if (options.template) {
      try {
        return { status: 'sent', ids: [await this.api.sendTemplate(openid, options.template, options.purpose ?? 'conversation')] };
      } catch (err) {
        return failure(err);
      }
    }
    return this.deliver(openid, replies);
  }

  private async deliver(openid: string, replies: OutboundReply[]): Promise<SendResult> {
    const ids: string[] = [];
    try {
      for (const reply of replies) {
        await this.api.sendCustom(openid, await this.toCustom(openid, reply));
        ids.push(`${openid}:${ids.length}`);
      }
      return { status: 'sent', ids };
    } catch (err) {
      return failure(err);
    }
  }

  private async toCustom(openid: string, reply: OutboundReply): Promise<CustomMessage> {
    if (!reply.suggestions?.length) return { msgtype: 'text', text: { content: reply.text } };
    const list: { id: string; content: string }[] = [];
    for (const s of reply.suggestions) {
      const id = menuId();
      await this.config.state.set(`wechat:menu:${openid}:${id}`, s.value, { ttlSeconds: MENU_TTL_SECONDS });
      list.push({ id, content: s.title });
    }
    return { msgtype: 'msgmenu', msgmenu: { head_content: reply.text, list, tail_content: '' } };
  }
}

function fitPassive(reply: OutboundReply): OutboundReply[] {
  // Passive replies cannot carry a menu: the choices go into the text (unless it names them already).
  const text = reply.suggestions?.length ? suggestionsAsText(reply.text, reply.suggestions) : reply.text;
  return splitText(text, TEXT_MAX_BYTES, TEXT_MAX_BYTES).map((t) => ({ text: t }));
}

function xmlResponse(body: string): Response {
  return new Response(body, { headers: { 'content-type': 'application/xml; charset=utf-8' } });
}

function failure(err: unknown): SendResult {
  if (err instanceof WechatApiError) {
    return { status: 'failed', retryable: err.retryable, httpStatus: err.httpStatus, reason: err.reason, error: err.message };
  }
  return { status: 'failed', retryable: true, error: err instanceof Error ? err.message : String(err) };
}
