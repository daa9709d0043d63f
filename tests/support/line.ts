// A local LINE Messaging API (reply and push, X-Line-Retry-Key idempotency) and webhook requests signed as LINE signs them.
import { createHmac, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface LineMessage {
  type: string;
  text: string;
  quickReply?: { items: { type: string; action: { type: string; label: string; text: string } }[] };
}

export interface LineCall {
  kind: 'reply' | 'push';
  to?: string;
  replyToken?: string;
  retryKey?: string;
  messages: LineMessage[];
}

export interface LocalLine extends RunningServer {
  calls: LineCall[];
  /** A fresh reply token for an event of `userId`, valid once (like LINE's). */
  issueReplyToken(userId: string): string;
  /** The next `n` pushes fail with `status` after being accepted (a lost response: the retry must not duplicate). */
  loseNextPushResponses(n: number): void;
  failNextPushes(n: number, status: number): void;
  to(userId: string): LineCall[];
  pushRequests: number;
  /** Every push request's X-Line-Retry-Key and the status it was answered with (accepted, 409 and failed alike). */
  pushAttempts: { retryKey?: string; status: number }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Speaks /v2/bot/message/reply and /push like api.line.me, checking the bearer token. */
export async function startLocalLine(accessToken: string): Promise<LocalLine> {
  const calls: LineCall[] = [];
  const pushAttempts: { retryKey?: string; status: number }[] = [];
  const tokens = new Set<string>();
  const accepted = new Map<string, string>();
  const replyTokenOwner = new Map<string, string>();
  const st = { lose: 0, fail: 0, failStatus: 500, pushRequests: 0 };
  const app = new Hono();
  app.use('*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${accessToken}`) return c.json({ message: 'Authentication failed' }, 401);
    await next();
  });
  const validMessages = (m: unknown): m is LineMessage[] => Array.isArray(m) && m.length >= 1 && m.length <= 5;
  app.post('/v2/bot/message/reply', async (c) => {
    const body = (await c.req.json()) as { replyToken: string; messages: unknown };
    if (!tokens.delete(body.replyToken)) return c.json({ message: 'Invalid reply token' }, 400);
    if (!validMessages(body.messages)) return c.json({ message: 'The request body has 1 error(s)' }, 400);
    calls.push({ kind: 'reply', replyToken: body.replyToken, messages: body.messages });
    return c.json({ sentMessages: body.messages.map(() => ({ id: randomUUID(), quoteToken: 'q' })) });
  });
  /** One push request as api.line.me answers it. */
  const push = async (c: import('hono').Context) => {
    const retryKey = c.req.header('x-line-retry-key');
    if (retryKey !== undefined && !UUID.test(retryKey)) return c.json({ message: 'The retry key must be a UUID' }, 400);
    if (retryKey && accepted.has(retryKey)) {
      return c.json({ message: 'The retry key is already accepted' }, 409, { 'x-line-accepted-request-id': accepted.get(retryKey)! });
    }
    if (st.fail > 0) {
      st.fail -= 1;
      return c.json({ message: 'error' }, st.failStatus as 500);
    }
    const body = (await c.req.json()) as { to: string; messages: unknown };
    if (!validMessages(body.messages)) return c.json({ message: 'The request body has 1 error(s)' }, 400);
    const requestId = randomUUID();
    if (retryKey) accepted.set(retryKey, requestId);
    calls.push({ kind: 'push', to: body.to, retryKey, messages: body.messages });
    if (st.lose > 0) {
      st.lose -= 1;
      return c.json({ message: 'Internal error' }, 500);
    }
    return c.json({ sentMessages: body.messages.map(() => ({ id: randomUUID(), quoteToken: 'q' })) });
  };
  app.post('/v2/bot/message/push', async (c) => {
    st.pushRequests += 1;
    const res = await push(c);
    pushAttempts.push({ retryKey: c.req.header('x-line-retry-key'), status: res.status });
    return res;
  });
  const server = await startServer(app.fetch);
  return {
    ...server,
    calls,
    issueReplyToken(userId) {
      const t = randomUUID().replace(/-/g, '');
      tokens.add(t);
      replyTokenOwner.set(t, userId);
      return t;
    },
    loseNextPushResponses: (n) => (st.lose = n),
    failNextPushes: (n, status) => {
      st.fail = n;
      st.failStatus = status;
    },
    to: (userId) => calls.filter((c) => c.to === userId || (c.replyToken && replyTokenOwner.get(c.replyToken) === userId)),
    get pushRequests() {
      return st.pushRequests;
    },
    pushAttempts,
  };
}

/** X-Line-Signature of a body, computed with node:crypto. */
export const lineSignature = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

let seq = 0;

/** A webhook event from a one-to-one chat with `userId`. */
export function lineEvent(userId: string, fields: Record<string, unknown>, replyToken?: string) {
  seq += 1;
  return {
    webhookEventId: `01H${Date.now()}${seq}`.padEnd(26, '0'),
    timestamp: Date.now(),
    mode: 'active',
    source: { type: 'user', userId },
    deliveryContext: { isRedelivery: false },
    ...(replyToken ? { replyToken } : {}),
    ...fields,
  };
}

/** POSTs events to the app's LINE webhook, signed (or not). */
export async function postLine(
  baseUrl: string,
  secret: string,
  events: unknown[],
  opts: { signature?: string; fetch?: typeof fetch } = {},
) {
  const body = JSON.stringify({ destination: 'Ubot', events });
  return (opts.fetch ?? fetch)(`${baseUrl}/api/channels/line`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': opts.signature ?? lineSignature(secret, body) },
    body,
  });
}
