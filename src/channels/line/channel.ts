// LINE Messaging API channel: X-Line-Signature, reply tokens, push with X-Line-Retry-Key, quick replies (@line/bot-sdk).
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import * as z from 'zod/v4';
import type { OutboundReply } from '../../assistant/types.js';
import { DomainError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { InboundActivity } from '../../turn/types.js';
import {
  batches,
  type ChannelCapabilities,
  type ChannelEvent,
  type Received,
  type SendingRules,
  type SendOptions,
  type WebhookChannel,
} from '../contract.js';
import type { SendResult, StoredReference } from '../outbound.js';
import { parseRetryAfter } from '../../lib/http.js';

export const LINE_CHANNEL_ID = 'line';

export interface LineConfig {
  channelSecret: string;
  channelAccessToken: string;
  /** https://api.line.me, or a local server in tests. */
  apiBase: string;
  log: Logger;
}

export interface LineHandle {
  userId: string;
  replyToken?: string;
  /** webhookEventId: the seed of the push retry key when the reply token cannot be used. */
  eventId: string;
}

export const LINE_CAPABILITIES: ChannelCapabilities = {
  quickReplies: { max: 13, titleChars: 20, inReplies: true },
  cards: true,
  maxTextChars: 5000,
  maxMessagesPerSend: 5,
  proactive: true,
  senderNames: 'native',
};

/** LINE has no messaging window; push is limited to 2,000 requests per second per channel; a repeated retry key is answered 409. */
export const LINE_RULES: SendingRules = { windows: [], serviceTemplates: false, perSecond: 2000, deduplicates: true };

const eventSchema = z
  .object({
    type: z.string().max(64),
    webhookEventId: z.string().max(128).optional(),
    timestamp: z.number().optional(),
    replyToken: z.string().max(256).optional(),
    mode: z.string().optional(),
    source: z
      .object({ type: z.string(), userId: z.string().max(128).optional() })
      .passthrough()
      .optional(),
    message: z
      .object({ type: z.string(), id: z.string().max(128).optional(), text: z.string().max(20_000).optional() })
      .passthrough()
      .optional(),
    postback: z
      .object({ data: z.string().max(1000) })
      .passthrough()
      .optional(),
    deliveryContext: z.object({ isRedelivery: z.boolean() }).passthrough().optional(),
  })
  .passthrough();
const bodySchema = z.object({ destination: z.string().max(128).optional(), events: z.array(eventSchema).max(100) }).passthrough();

const enc = new TextEncoder();

async function hmacBase64(secret: string, body: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)));
}

function fromBase64(s: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** X-Line-Signature: base64 HMAC-SHA256 of the raw body with the channel secret, compared in constant time. */
export async function verifyLineSignature(secret: string, body: string, signature: string): Promise<boolean> {
  const expected = await hmacBase64(secret, body);
  const got = fromBase64(signature);
  if (!got || got.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff |= got[i] ^ expected[i];
  return diff === 0;
}

/** A UUID derived from a key (X-Line-Retry-Key must be a UUID): the same key always retries as the same request. */
export async function retryKeyFor(key: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(key))).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A reply as a LINE text message; suggestions become quick-reply buttons that send their value as text. */
export function toLineMessage(reply: OutboundReply): messagingApi.TextMessage {
  return {
    type: 'text',
    text: reply.text,
    // An agent's reply shows the agent's name in place of the account's (LINE allows 20 characters).
    sender: reply.author === 'agent' && reply.authorName ? { name: [...reply.authorName].slice(0, 20).join('') } : undefined,
    quickReply: reply.suggestions?.length
      ? { items: reply.suggestions.map((s) => ({ type: 'action', action: { type: 'message', label: s.title, text: s.value } })) }
      : undefined,
  };
}

export class LineChannel implements WebhookChannel<LineHandle> {
  readonly id = LINE_CHANNEL_ID;
  readonly capabilities = LINE_CAPABILITIES;
  readonly rules = LINE_RULES;
  private readonly client: messagingApi.MessagingApiClient;

  constructor(private readonly config: LineConfig) {
    this.client = new messagingApi.MessagingApiClient({ channelAccessToken: config.channelAccessToken, baseURL: config.apiBase });
  }

  /** Verifies X-Line-Signature over the raw body and maps one-to-one chat events (groups and rooms are ignored). */
  async receive(req: Request): Promise<Received<LineHandle>> {
    const raw = await req.text();
    const signature = req.headers.get('x-line-signature') ?? '';
    if (!signature || !(await verifyLineSignature(this.config.channelSecret, raw, signature))) {
      throw new DomainError('unauthorized', 'Invalid X-Line-Signature');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new DomainError('bad_request', 'Body must be JSON');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) throw new DomainError('bad_request', 'Not a LINE webhook body');
    const events: ChannelEvent<LineHandle>[] = [];
    for (const e of parsed.data.events) {
      // Member data never goes to a group or room; standby mode means another channel module answers.
      if (e.source?.type !== 'user' || !e.source.userId || e.mode === 'standby') continue;
      const userId = e.source.userId;
      const eventId = e.webhookEventId ?? `${userId}:${e.timestamp ?? ''}:${e.type}`;
      const base = { channelId: LINE_CHANNEL_ID, channelUserId: userId, channelConversationId: userId, activityId: eventId };
      const handle: LineHandle = { userId, replyToken: e.replyToken, eventId };
      const reference = { userId };
      const push = (activity: InboundActivity, extra: Partial<ChannelEvent<LineHandle>> = {}) =>
        events.push({ activity, reference, handle, ...extra });
      if (e.type === 'message' && e.message) {
        if (e.message.type === 'text') push({ ...base, type: 'message', text: e.message.text ?? '' }, { interaction: 'message' });
        else push({ ...base, type: 'message', text: '', hasAttachments: true }, { interaction: 'message' });
      } else if (e.type === 'postback' && e.postback) {
        push({ ...base, type: 'message', text: e.postback.data }, { interaction: 'message' });
      } else if (e.type === 'follow') {
        push({ ...base, type: 'conversationUpdate', userJoined: true }, { interaction: 'event', subscription: 'subscribed' });
      } else if (e.type === 'unfollow') {
        push({ ...base, type: 'other' }, { subscription: 'unsubscribed' });
      }
    }
    return { events };
  }

  /** Answers with the event's reply token (free, no quota); if it is missing or expired, pushes instead. */
  async reply(event: ChannelEvent<LineHandle>, replies: OutboundReply[]): Promise<SendResult> {
    const groups = batches(replies.map(toLineMessage), this.capabilities.maxMessagesPerSend);
    const { replyToken, userId, eventId } = event.handle;
    if (replyToken && groups.length) {
      try {
        // A reply token answers once, with up to five messages; any further ones are pushed.
        const res = await this.client.replyMessage({ replyToken, messages: groups[0] });
        const ids = (res.sentMessages ?? []).map((m) => m.id);
        if (groups.length === 1) return { status: 'sent', ids };
        const rest = await this.push(userId, groups.slice(1), `reply:${eventId}`);
        return rest.status === 'sent' ? { status: 'sent', ids: [...ids, ...rest.ids] } : rest;
      } catch (err) {
        // An expired or used token is a 400; anything else is worth the push fallback too.
        this.config.log.warn('line reply token failed; pushing instead', {
          status: err instanceof HTTPFetchError ? err.status : undefined,
        });
      }
    }
    return this.push(userId, groups, `reply:${eventId}`);
  }

  /** Proactive push; `idempotencyKey` becomes the X-Line-Retry-Key so a retried send is delivered once. */
  async send(ref: StoredReference, replies: OutboundReply[], options: SendOptions): Promise<SendResult> {
    const userId = String(ref.reference.userId ?? '');
    if (!userId) return { status: 'failed', retryable: false, error: 'reference has no userId' };
    return this.push(userId, batches(replies.map(toLineMessage), this.capabilities.maxMessagesPerSend), options.idempotencyKey);
  }

  private async push(userId: string, groups: messagingApi.Message[][], idempotencyKey?: string): Promise<SendResult> {
    const ids: string[] = [];
    const seed = idempotencyKey ?? crypto.randomUUID();
    for (const [i, messages] of groups.entries()) {
      const retryKey = await retryKeyFor(`${seed}:${i}`);
      // Transient failures are retried with the same key: LINE answers 409 if it already accepted it.
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await this.client.pushMessage({ to: userId, messages }, retryKey);
          ids.push(...(res.sentMessages ?? []).map((m) => m.id));
          break;
        } catch (err) {
          if (err instanceof HTTPFetchError && err.status === 409) {
            ids.push(err.headers.get('x-line-accepted-request-id') ?? retryKey);
            break;
          }
          const status = err instanceof HTTPFetchError ? err.status : undefined;
          const retryable = status === undefined || status === 429 || status >= 500;
          if (retryable && attempt < 3) {
            await new Promise((r) => setTimeout(r, 2 ** attempt * 100));
            continue;
          }
          const retryAfterMs =
            err instanceof HTTPFetchError ? parseRetryAfter(err.headers.get('retry-after') ?? undefined, Date.now()) : undefined;
          return {
            status: 'failed',
            retryable,
            httpStatus: status,
            retryAfterMs: retryAfterMs || undefined,
            // A member who blocked the account is known from the unfollow event, which marks them unsubscribed.
            error: `line push failed: ${status ?? (err instanceof Error ? err.message : 'network')}`,
          };
        }
      }
    }
    return { status: 'sent', ids };
  }
}
