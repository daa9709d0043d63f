// A local Telegram Bot API (sendMessage, answerCallbackQuery; 429 with retry_after; blocked users) and webhook updates.
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface TelegramSent {
  method: string;
  at: number;
  body: Record<string, unknown>;
}

export interface LocalTelegram extends RunningServer {
  sent: TelegramSent[];
  /** sendMessage calls to one chat. */
  messagesTo(chatId: number): { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } }[];
  answered: string[];
  /** The next `n` sendMessage calls get 429 with `retry_after` seconds. */
  floodNext(n: number, retryAfter: number): void;
  block(chatId: number): void;
  floods: number;
  /** sendMessage requests to one chat, answered or refused (429, 403 blocked) alike. */
  requestsTo(chatId: number): number;
}

/** Speaks /bot<token>/<method> like api.telegram.org: { ok, result } or { ok: false, error_code, description, parameters }. */
export async function startLocalTelegram(token: string): Promise<LocalTelegram> {
  const sent: TelegramSent[] = [];
  const answered: string[] = [];
  const blocked = new Set<number>();
  const requests = new Map<number, number>();
  const st = { flood: 0, retryAfter: 1, floods: 0, messageId: 100 };
  const app = new Hono();
  app.post('/:bot/:method', async (c) => {
    if (c.req.param('bot') !== `bot${token}`) return c.json({ ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const method = c.req.param('method');
    const body = (await c.req.json()) as Record<string, unknown>;
    if (method === 'answerCallbackQuery') {
      answered.push(String(body.callback_query_id));
      return c.json({ ok: true, result: true });
    }
    if (method !== 'sendMessage') return c.json({ ok: false, error_code: 404, description: 'Not Found: method not found' }, 404);
    requests.set(Number(body.chat_id), (requests.get(Number(body.chat_id)) ?? 0) + 1);
    if (st.flood > 0) {
      st.flood -= 1;
      st.floods += 1;
      return c.json(
        {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${st.retryAfter}`,
          parameters: { retry_after: st.retryAfter },
        },
        429,
      );
    }
    const chatId = Number(body.chat_id);
    if (blocked.has(chatId)) return c.json({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 403);
    if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096) {
      return c.json({ ok: false, error_code: 400, description: 'Bad Request: message text is empty or too long' }, 400);
    }
    sent.push({ method, at: Date.now(), body });
    const messageId = ++st.messageId;
    return c.json({
      ok: true,
      result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, text: body.text },
    });
  });
  const server = await startServer(app.fetch);
  return {
    ...server,
    sent,
    answered,
    messagesTo: (chatId) => sent.filter((s) => Number(s.body.chat_id) === chatId).map((s) => s.body as never),
    floodNext: (n, retryAfter) => {
      st.flood = n;
      st.retryAfter = retryAfter;
    },
    block: (chatId) => blocked.add(chatId),
    get floods() {
      return st.floods;
    },
    requestsTo: (chatId) => requests.get(chatId) ?? 0,
  };
}

let updateId = 5000;

const user = (id: number, lang = 'zh-hans') => ({ id, is_bot: false, first_name: `U${id}`, language_code: lang });

/** A private-chat text message update. */
export function tgMessage(userId: number, text: string, lang?: string) {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private' },
      from: user(userId, lang),
      text,
    },
  };
}

/** An inline-keyboard tap on one of our messages. */
export function tgCallback(userId: number, data: string) {
  return {
    update_id: ++updateId,
    callback_query: {
      id: `cbq-${updateId}`,
      chat_instance: 'ci',
      from: user(userId),
      data,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private' }, text: 'x' },
    },
  };
}

/** The member blocked (kicked) or unblocked the bot. */
export function tgMyChatMember(userId: number, status: 'kicked' | 'member') {
  const bot = { id: 1, is_bot: true, first_name: 'bot' };
  return {
    update_id: ++updateId,
    my_chat_member: {
      chat: { id: userId, type: 'private' },
      from: user(userId),
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { status: status === 'kicked' ? 'member' : 'kicked', user: bot },
      new_chat_member: { status, user: bot, ...(status === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

export async function postUpdate(baseUrl: string, secret: string | null, update: unknown, fetchImpl: typeof fetch = fetch) {
  return fetchImpl(`${baseUrl}/api/channels/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: JSON.stringify(update),
  });
}
