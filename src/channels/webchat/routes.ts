// Web chat API: start a session (shop token or, in development, a demo member), exchange messages, receive later ones.
import { asc, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { members } from '../../../db/schema/index.js';
import { saveConversationReference } from '../../domain/conversations/index.js';
import { followMemberToConversation } from '../../domain/handoffs/index.js';
import { bindVerifiedIdentity, getMember } from '../../domain/members/index.js';
import { signalsFor } from '../../lib/signal.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../../http/app-env.js';
import { jsonBody, parseWith } from '../../http/middleware.js';
import type { RouteDoc } from '../../http/openapi.js';
import { carryOverOutbox, outboxAfter, webchatSignal } from './sender.js';
import { signSession, verifyMemberToken, verifySession, WEB_CHANNEL_ID, type SessionPayload } from './session.js';

const replySchema = z.object({ text: z.string(), suggestions: z.array(z.object({ title: z.string(), value: z.string() })).optional() });
const sessionBody = z.union([
  z.object({ memberToken: z.string().min(10).max(4096) }).strict(),
  z.object({ demoMemberId: z.string().min(1).max(64) }).strict(),
]);
const sessionResponse = z.object({
  sessionToken: z.string(),
  member: z.object({ name: z.string(), locale: z.enum(['zh-CN', 'en']) }),
  replies: z.array(replySchema),
  cursor: z.number().int().describe('Pass as `after` to GET /api/webchat/events'),
});
const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('The last event id the page showed (0 for none)'),
  wait: z.coerce.number().int().min(0).max(25).default(25).describe('Seconds to hold the request open when nothing is new'),
});
const eventsResponse = z.object({
  events: z.array(
    z.object({
      id: z.number().int(),
      author: z.enum(['bot', 'agent']),
      authorName: z.string().nullable(),
      text: z.string(),
      suggestions: z.array(z.object({ title: z.string(), value: z.string() })).nullable(),
      createdAt: z.string(),
    }),
  ),
  cursor: z.number().int().describe("The newest id returned (or `after` when none): the next request's `after`"),
});
const messageBody = z
  .object({
    text: z.string().max(20_000),
    /** Client-generated id: a retried send returns the first answer instead of asking twice. */
    clientMessageId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w-]+$/),
  })
  .strict();
const messageResponse = z.object({ replies: z.array(replySchema), duplicate: z.boolean() });
const demoMember = z.object({ id: z.string(), name: z.string(), locale: z.enum(['zh-CN', 'en']), tierCode: z.string() });

export const webchatDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/webchat/config',
    summary: 'Web chat settings for the page',
    tag: 'webchat',
    response: z.object({ demoPicker: z.boolean() }),
  },
  {
    method: 'get',
    path: '/api/webchat/demo-members',
    summary: 'Development only: members the demo picker offers',
    tag: 'webchat',
    response: z.object({ members: z.array(demoMember) }),
    errors: { 404: 'Demo picker disabled' },
  },
  {
    method: 'post',
    path: '/api/webchat/session',
    summary: 'Start a chat session from a shop-signed member token (or a demo member in development); returns the greeting',
    tag: 'webchat',
    body: sessionBody,
    response: sessionResponse,
    errors: { 401: 'Invalid or expired member token', 404: 'Unknown member or demo picker disabled', 409: 'The member was erased' },
  },
  {
    method: 'post',
    path: '/api/webchat/messages',
    summary: 'Send a message; the answer comes back in the response',
    tag: 'webchat',
    security: 'webchatSession',
    body: messageBody,
    response: messageResponse,
    errors: { 401: 'Missing or expired session' },
  },
  {
    method: 'get',
    path: '/api/webchat/events',
    summary:
      'Long-poll for messages sent to the page later (agent replies, ratings): everything after the cursor, waiting up to `wait` seconds; nothing is lost or repeated across reconnects',
    tag: 'webchat',
    security: 'webchatSession',
    query: eventsQuery,
    response: eventsResponse,
    errors: { 401: 'Missing or expired session' },
  },
];

/** The session of a request's bearer token, or a 401. */
async function sessionOf(secret: string, header: string | undefined): Promise<SessionPayload> {
  const h = header ?? '';
  const session = h.startsWith('Bearer ') ? await verifySession(secret, h.slice(7).trim()) : null;
  if (!session) throw new DomainError('unauthorized', 'Missing or expired chat session');
  return session;
}

/** Poll interval while holding a long-poll open: other instances' messages show up within this. */
const POLL_SLICE_MS = 2_000;

/** Demo members first (the linked Emulator identities), then a few of each locale. */
const DEMO_LIST_SIZE = 12;

export function webchatRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/api/webchat/config', (c) => c.json({ demoPicker: c.get('deps').webchat.demoPicker }));

  app.get('/api/webchat/demo-members', async (c) => {
    const deps = c.get('deps');
    if (!deps.webchat.demoPicker) throw new DomainError('not_found', 'The demo picker is disabled');
    const pinned = deps.webchat.demoMemberIds;
    const db = deps.store.db;
    const first = pinned.length ? await db.select().from(members).where(inArray(members.id, pinned)) : [];
    const rest = await db.select().from(members).orderBy(asc(members.id)).limit(DEMO_LIST_SIZE);
    const seen = new Set<string>();
    const list = [...first, ...rest].filter((m) => !seen.has(m.id) && seen.add(m.id)).slice(0, DEMO_LIST_SIZE);
    return c.json({ members: list.map((m) => ({ id: m.id, name: m.name, locale: m.locale, tierCode: m.tierCode })) });
  });

  app.post('/api/webchat/session', async (c) => {
    const deps = c.get('deps');
    const body = await jsonBody(c, sessionBody);
    let memberId: string;
    if ('memberToken' in body) {
      const p = await verifyMemberToken(deps.webchat.secret, body.memberToken);
      if (!p) throw new DomainError('unauthorized', 'Invalid or expired member token');
      memberId = p.sub;
    } else {
      if (!deps.webchat.demoPicker) throw new DomainError('not_found', 'The demo picker is disabled');
      memberId = body.demoMemberId;
    }
    const member = await getMember({ ctx: deps.domain, input: { memberId } });
    if (!member) throw new DomainError('not_found', 'Unknown member');
    if (member.erasedAt) throw new DomainError('conflict', "This member's data was erased");
    // The signed token (or the development picker) is the verification: bind the web identity to the member.
    await bindVerifiedIdentity({ ctx: deps.domain, input: { memberId, channelId: WEB_CHANNEL_ID, channelUserId: memberId } });
    const conversationId = crypto.randomUUID();
    // Proactive sends (agent replies, CSAT) find the page through this reference and the outbox.
    await saveConversationReference({
      ctx: deps.domain,
      input: {
        conversationId: `${WEB_CHANNEL_ID}:${conversationId}`,
        channelId: WEB_CHANNEL_ID,
        memberId,
        reference: { conversationId, memberId },
      },
    });
    // A member coming back while their handoff is open continues it here: replies go to this session from now
    // on, and what the agent already sent to the old one is shown again.
    const followed = await followMemberToConversation({
      ctx: deps.domain,
      input: { memberId, channelId: WEB_CHANNEL_ID, conversationId: `${WEB_CHANNEL_ID}:${conversationId}` },
    });
    if (followed)
      await carryOverOutbox(deps.domain, followed.before.conversationId, followed.after.conversationId, followed.before.requestedAt);
    const greeting = await deps.pipeline({
      channelId: WEB_CHANNEL_ID,
      channelUserId: memberId,
      channelConversationId: conversationId,
      type: 'conversationUpdate',
      userJoined: true,
    });
    return c.json({
      sessionToken: await signSession(deps.webchat.secret, memberId, conversationId),
      member: { name: member.name, locale: member.locale },
      replies: await deps.gate.release(`${WEB_CHANNEL_ID}:${conversationId}`, greeting.replies),
      cursor: 0,
    });
  });

  app.post('/api/webchat/messages', async (c) => {
    const deps = c.get('deps');
    const session = await sessionOf(deps.webchat.secret, c.req.header('authorization'));
    const body = await jsonBody(c, messageBody);
    const result = await deps.pipeline({
      channelId: WEB_CHANNEL_ID,
      channelUserId: session.sub,
      channelConversationId: session.cid,
      activityId: body.clientMessageId,
      type: 'message',
      text: body.text,
    });
    // Checked at send time: an agent who took the conversation while this turn ran is not talked over.
    const replies = await deps.gate.release(`${WEB_CHANNEL_ID}:${session.cid}`, result.replies);
    return c.json({ replies, duplicate: result.duplicate });
  });

  app.get('/api/webchat/events', async (c) => {
    const deps = c.get('deps');
    const session = await sessionOf(deps.webchat.secret, c.req.header('authorization'));
    const q = parseWith(eventsQuery, c.req.query());
    const conversationId = `${WEB_CHANNEL_ID}:${session.cid}`;
    const deadline = Date.now() + q.wait * 1000;
    const abort = c.req.raw.signal;
    for (;;) {
      const rows = await outboxAfter(deps.domain, conversationId, q.after);
      if (rows.length || Date.now() >= deadline || abort.aborted) {
        c.header('cache-control', 'no-store');
        return c.json({
          events: rows.map((r) => ({
            id: r.id,
            author: r.author,
            authorName: r.authorName,
            text: r.text,
            suggestions: r.suggestions,
            createdAt: r.createdAt.toISOString(),
          })),
          cursor: rows.at(-1)?.id ?? q.after,
        });
      }
      await signalsFor(deps.store).wait(webchatSignal(conversationId), Math.min(POLL_SLICE_MS, deadline - Date.now()), abort);
    }
  });

  return app;
}
