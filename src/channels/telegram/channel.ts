// Telegram Bot API channel (grammY's Api client): secret-token webhook, inline keyboards, 429 retry_after honoured.
import { Api, GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardButton, Update } from 'grammy/types';
import * as z from 'zod/v4';
import type { OutboundReply } from '../../assistant/types.js';
import { DomainError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { StatePort } from '../../state/port.js';
import type { InboundActivity } from '../../turn/types.js';
import type { ChannelCapabilities, ChannelEvent, Received, SendingRules, SendOptions, WebhookChannel } from '../contract.js';
import type { SendResult, StoredReference } from '../outbound.js';
import { SendThrottle } from '../throttle.js';
import { timingSafeEqualStr } from '../wechat/crypto.js';

export const TELEGRAM_CHANNEL_ID = 'telegram';

export interface TelegramConfig {
  botToken: string;
  /** The secret_token given to setWebhook; Telegram sends it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret: string;
  /** https://api.telegram.org, or a local Bot API server (tests, self-hosted). */
  apiRoot: string;
  state: StatePort;
  log: Logger;
  fetch?: typeof fetch;
  /** Wait for a 429's retry_after inside the call when it is at most this long; longer waits go back to the caller. */
  maxInlineRetryAfterSeconds?: number;
}

export interface TelegramHandle {
  chatId: number;
  /** Set for inline-keyboard taps: answered at once so the button stops spinning. */
  callbackQueryId?: string;
}

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  quickReplies: { max: 20, titleChars: 40, inReplies: true },
  cards: false,
  maxTextChars: 4096,
  maxMessagesPerSend: 1,
  proactive: true,
  senderNames: 'prefix',
};

/** Telegram's documented limits: about 30 messages per second overall and one per second in a chat. */
export const TELEGRAM_RULES: SendingRules = {
  windows: [],
  serviceTemplates: false,
  perSecond: 30,
  perConversationPerSecond: 1,
  // sendMessage has no idempotency key: a resend is a second message.
  deduplicates: false,
};

/** callback_data is at most 64 bytes; longer values are kept in the state port behind a short key. */
const CALLBACK_DATA_BYTES = 64;
const CALLBACK_TTL_SECONDS = 7 * 86_400;
const BUTTONS_PER_ROW = 6;

/** The fields toEvent reads, with their types: a wrongly shaped update is a 400, not a crash inside the mapping. */
const chatSchema = z.object({ id: z.number().int(), type: z.string() }).passthrough();
const userSchema = z.object({ id: z.number().int(), language_code: z.string().max(35).optional() }).passthrough();
const updateSchema = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: z
      .object({ chat: chatSchema, from: userSchema.optional(), text: z.string().optional(), caption: z.string().optional() })
      .passthrough()
      .optional(),
    callback_query: z
      .object({
        id: z.string(),
        from: userSchema,
        data: z.string().optional(),
        message: z.object({ chat: chatSchema.optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    my_chat_member: z
      .object({ chat: chatSchema, from: userSchema, new_chat_member: z.object({ status: z.string() }).passthrough() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export class TelegramChannel implements WebhookChannel<TelegramHandle> {
  readonly id = TELEGRAM_CHANNEL_ID;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly rules = TELEGRAM_RULES;
  readonly api: Api;
  private readonly throttle: SendThrottle;

  constructor(private readonly config: TelegramConfig) {
    const fetchImpl = config.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));
    this.api = new Api(config.botToken, { apiRoot: config.apiRoot, fetch: fetchImpl as typeof fetch });
    this.throttle = new SendThrottle(config.state);
  }

  /** Checks the secret-token header, then maps private-chat messages, button taps and block/unblock. */
  async receive(req: Request): Promise<Received<TelegramHandle>> {
    const secret = req.headers.get('x-telegram-bot-api-secret-token') ?? '';
    if (!secret || !timingSafeEqualStr(secret, this.config.webhookSecret)) {
      throw new DomainError('unauthorized', 'Invalid X-Telegram-Bot-Api-Secret-Token');
    }
    let json: unknown;
    try {
      json = await req.json();
    } catch {
      throw new DomainError('bad_request', 'Body must be a JSON Telegram update');
    }
    if (!updateSchema.safeParse(json).success) throw new DomainError('bad_request', 'Not a Telegram update');
    const update = json as Update;
    const event = await this.toEvent(update);
    return { events: event ? [event] : [] };
  }

  private async toEvent(update: Update): Promise<ChannelEvent<TelegramHandle> | null> {
    const activityId = String(update.update_id);
    const make = (
      chatId: number,
      userId: number,
      activity: Omit<InboundActivity, 'channelId' | 'channelUserId' | 'channelConversationId' | 'activityId'>,
      extra: Partial<ChannelEvent<TelegramHandle>> = {},
    ): ChannelEvent<TelegramHandle> => ({
      activity: {
        channelId: TELEGRAM_CHANNEL_ID,
        channelUserId: String(userId),
        channelConversationId: String(chatId),
        activityId,
        ...activity,
      },
      reference: { chatId },
      handle: { chatId },
      ...extra,
    });
    const msg = update.message;
    // Member data is only ever shown in a private chat with the member, never in groups or channels.
    if (msg?.from && msg.chat.type === 'private') {
      const locale = msg.from.language_code;
      const text = msg.text ?? msg.caption ?? '';
      const start = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/.exec(text);
      if (start) {
        // Deep link t.me/<bot>?start=123456 carries a link code: treat it as "link 123456".
        if (start[1] && /^\d{6}$/.test(start[1])) {
          return make(msg.chat.id, msg.from.id, { type: 'message', text: `link ${start[1]}`, locale }, { interaction: 'message' });
        }
        return make(msg.chat.id, msg.from.id, { type: 'conversationUpdate', userJoined: true, locale }, { interaction: 'message' });
      }
      const attachments = Boolean(msg.photo || msg.document || msg.sticker || msg.voice || msg.video || msg.audio || msg.animation);
      return make(msg.chat.id, msg.from.id, { type: 'message', text, hasAttachments: attachments, locale }, { interaction: 'message' });
    }
    const cb = update.callback_query;
    if (cb) {
      const chat = cb.message?.chat;
      if (chat?.type !== 'private' || cb.data === undefined) {
        return make(
          chat?.id ?? cb.from.id,
          cb.from.id,
          { type: 'other' },
          { handle: { chatId: chat?.id ?? cb.from.id, callbackQueryId: cb.id } },
        );
      }
      let data = cb.data;
      if (data.startsWith('k:')) data = (await this.config.state.get(`telegram:cb:${data.slice(2)}`)) ?? '';
      return make(
        chat.id,
        cb.from.id,
        { type: 'message', text: data, locale: cb.from.language_code },
        { interaction: 'message', handle: { chatId: chat.id, callbackQueryId: cb.id } },
      );
    }
    const member = update.my_chat_member;
    if (member && member.chat.type === 'private') {
      const status = member.new_chat_member.status;
      if (status === 'kicked') return make(member.chat.id, member.from.id, { type: 'other' }, { subscription: 'unsubscribed' });
      if (status === 'member') return make(member.chat.id, member.from.id, { type: 'other' }, { subscription: 'subscribed' });
    }
    return null;
  }

  /** Stops the tapped button's spinner before the turn runs (Telegram shows it until answered). */
  async acknowledge(event: ChannelEvent<TelegramHandle>): Promise<void> {
    if (!event.handle.callbackQueryId) return;
    try {
      await this.api.answerCallbackQuery(event.handle.callbackQueryId);
    } catch (err) {
      this.config.log.warn('telegram answerCallbackQuery failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async reply(event: ChannelEvent<TelegramHandle>, replies: OutboundReply[]): Promise<SendResult> {
    return this.deliver(event.handle.chatId, replies);
  }

  async send(ref: StoredReference, replies: OutboundReply[], _options: SendOptions): Promise<SendResult> {
    const chatId = Number(ref.reference.chatId);
    if (!Number.isSafeInteger(chatId)) return { status: 'failed', retryable: false, error: 'reference has no chatId' };
    return this.deliver(chatId, replies);
  }

  private async deliver(chatId: number, replies: OutboundReply[]): Promise<SendResult> {
    const ids: string[] = [];
    for (const reply of replies) {
      const keyboard = reply.suggestions?.length ? await this.keyboard(reply) : undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          const sent = await this.api.sendMessage(chatId, reply.text, keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {});
          ids.push(String(sent.message_id));
          break;
        } catch (err) {
          const result = await this.failure(err, attempt);
          if (result === 'retry') continue;
          return result;
        }
      }
    }
    return { status: 'sent', ids };
  }

  /** Maps an API failure; a short 429 is waited out here (and shared as a cool-down with every sender). */
  private async failure(err: unknown, attempt: number): Promise<SendResult | 'retry'> {
    if (err instanceof GrammyError) {
      if (err.error_code === 429) {
        const retryAfter = err.parameters.retry_after ?? 1;
        await this.throttle.coolDown(TELEGRAM_CHANNEL_ID, Date.now() + retryAfter * 1000);
        if (attempt < 3 && retryAfter <= (this.config.maxInlineRetryAfterSeconds ?? 5)) {
          await new Promise((r) => setTimeout(r, retryAfter * 1000));
          return 'retry';
        }
        return { status: 'failed', retryable: true, httpStatus: 429, retryAfterMs: retryAfter * 1000, error: err.description };
      }
      if (err.error_code === 403) {
        // "bot was blocked by the user" (or deactivated): nothing more can reach them.
        return { status: 'failed', retryable: false, httpStatus: 403, reason: 'unsubscribed', error: err.description };
      }
      const retryable = err.error_code >= 500;
      if (retryable && attempt < 3) return 'retry';
      return { status: 'failed', retryable, httpStatus: err.error_code, error: err.description };
    }
    if (err instanceof HttpError && attempt < 3) return 'retry';
    return { status: 'failed', retryable: true, error: err instanceof Error ? err.message : String(err) };
  }

  private async keyboard(reply: OutboundReply): Promise<InlineKeyboardButton[][]> {
    const buttons: InlineKeyboardButton[] = [];
    for (const s of reply.suggestions ?? []) {
      let data = s.value;
      if (new TextEncoder().encode(data).length > CALLBACK_DATA_BYTES || data.startsWith('k:')) {
        const key = crypto.randomUUID().replace(/-/g, '');
        await this.config.state.set(`telegram:cb:${key}`, s.value, { ttlSeconds: CALLBACK_TTL_SECONDS });
        data = `k:${key}`;
      }
      buttons.push({ text: s.title, callback_data: data });
    }
    const rows: InlineKeyboardButton[][] = [];
    for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) rows.push(buttons.slice(i, i + BUTTONS_PER_ROW));
    return rows;
  }
}
