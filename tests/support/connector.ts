// A local Bot Framework connector: speaks the v3 REST API botbuilder replies to, and records every call.
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface CapturedActivity {
  conversationId: string;
  replyToId?: string;
  authorization?: string;
  activity: { type: string; text?: string; suggestedActions?: { actions: { title: string; value: string }[] }; [k: string]: unknown };
}

export interface LocalConnector extends RunningServer {
  captured: CapturedActivity[];
  /** Replies captured for one conversation, in order. */
  repliesTo(conversationId: string): CapturedActivity[];
  /** Makes the next `n` calls fail with `status` (429/5xx retry tests). */
  failNext(n: number, status: number, retryAfter?: string): void;
  /** Serves a token endpoint too (client-credentials), counting requests. */
  tokenRequests: number;
  /** Posts repeating an activity id already accepted in that conversation: answered with the first reply, not delivered again. */
  duplicates: number;
}

export async function startLocalConnector(): Promise<LocalConnector> {
  const captured: CapturedActivity[] = [];
  let failures: { left: number; status: number; retryAfter?: string } = { left: 0, status: 500 };
  const state = { tokenRequests: 0, duplicates: 0 };
  // Activity ids already accepted per conversation: a sender retrying with the same id (an idempotency key) gets
  // the first answer back and nothing is delivered twice, as LINE does with X-Line-Retry-Key.
  const accepted = new Map<string, { id: string }>();
  const app = new Hono();
  const record = async (c: import('hono').Context, conversationId: string, replyToId?: string) => {
    if (failures.left > 0) {
      failures.left -= 1;
      return c.json(
        { error: { code: 'Throttled' } },
        failures.status as 429,
        failures.retryAfter ? { 'retry-after': failures.retryAfter } : {},
      );
    }
    const activity = await c.req.json();
    const key = typeof activity.id === 'string' && activity.id ? `${conversationId}\n${activity.id}` : null;
    const seen = key ? accepted.get(key) : undefined;
    if (seen) {
      state.duplicates += 1;
      return c.json(seen);
    }
    captured.push({ conversationId, replyToId, authorization: c.req.header('authorization'), activity });
    const reply = { id: `reply-${captured.length}` };
    if (key) accepted.set(key, reply);
    return c.json(reply);
  };
  app.post('/v3/conversations/:conv/activities/:replyTo', (c) => record(c, c.req.param('conv'), c.req.param('replyTo')));
  app.post('/v3/conversations/:conv/activities', (c) => record(c, c.req.param('conv')));
  app.post('/oauth2/token', async (c) => {
    state.tokenRequests += 1;
    const form = await c.req.parseBody();
    if (form.grant_type !== 'client_credentials') return c.json({ error: 'unsupported_grant_type' }, 400);
    return c.json({ token_type: 'Bearer', expires_in: 3600, access_token: `token-for-${form.client_id}` });
  });
  const server = await startServer(app.fetch);
  return {
    ...server,
    captured,
    repliesTo: (id) => captured.filter((c) => c.conversationId === id),
    failNext: (n, status, retryAfter) => (failures = { left: n, status, retryAfter }),
    get tokenRequests() {
      return state.tokenRequests;
    },
    get duplicates() {
      return state.duplicates;
    },
  };
}

let seq = 0;
/** A Bot Framework activity as the Emulator sends it. */
export function emulatorActivity(connectorUrl: string, userId: string, text: string | undefined, extra: Record<string, unknown> = {}) {
  seq += 1;
  return {
    type: 'message',
    id: `act-${Date.now()}-${seq}`,
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl: connectorUrl,
    from: { id: userId, name: 'User' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: `conv-${userId}` },
    text,
    locale: 'en-US',
    ...extra,
  };
}

/**
 * A stored conversation reference (a `conversation_references` row) for member `memberId` in the Emulator
 * conversation `conv-<memberId>` at `connectorUrl`: what the app keeps after the member's first message.
 */
export function emulatorReferenceRow(connectorUrl: string, memberId: string, updatedAt: Date) {
  return {
    conversationId: `emulator:conv-${memberId}`,
    channelId: 'emulator',
    memberId,
    reference: {
      channelId: 'emulator',
      serviceUrl: connectorUrl,
      conversation: { id: `conv-${memberId}` },
      user: { id: `user-${memberId}` },
      bot: { id: 'bot' },
    },
    updatedAt,
  };
}

/**
 * Posts an activity to the app's `/api/messages` over real HTTP, as a channel would; returns the response status
 * and the activities the connector received in reply to it (threaded replies only), in order.
 */
export async function postActivity(
  serverUrl: string,
  connector: LocalConnector,
  activity: { id: string },
): Promise<{ status: number; replies: CapturedActivity['activity'][] }> {
  const res = await fetch(`${serverUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await res.arrayBuffer();
  return { status: res.status, replies: connector.captured.filter((c) => c.replyToId === activity.id).map((c) => c.activity) };
}
