// Web chat API: start a session (shop token or, in development, a demo member) and exchange messages.
import { asc, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import * as z from 'zod';
import { members } from '../../../db/schema/index.js';
import { bindVerifiedIdentity, getMember } from '../../domain/members/index.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../../http/app-env.js';
import { jsonBody } from '../../http/middleware.js';
import type { RouteDoc } from '../../http/openapi.js';
import { signSession, verifyMemberToken, verifySession, WEB_CHANNEL_ID } from './session.js';

const replySchema = z.object({ text: z.string(), suggestions: z.array(z.object({ title: z.string(), value: z.string() })).optional() });
const sessionBody = z.union([
  z.object({ memberToken: z.string().min(10).max(4096) }).strict(),
  z.object({ demoMemberId: z.string().min(1).max(64) }).strict(),
]);
const sessionResponse = z.object({
  sessionToken: z.string(),
  member: z.object({ name: z.string(), locale: z.enum(['zh-CN', 'en']) }),
  replies: z.array(replySchema),
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
    errors: { 401: 'Invalid or expired member token', 404: 'Unknown member or demo picker disabled' },
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
];

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
    // The signed token (or the development picker) is the verification: bind the web identity to the member.
    await bindVerifiedIdentity({ ctx: deps.domain, input: { memberId, channelId: WEB_CHANNEL_ID, channelUserId: memberId } });
    const conversationId = crypto.randomUUID();
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
      replies: greeting.replies,
    });
  });

  app.post('/api/webchat/messages', async (c) => {
    const deps = c.get('deps');
    const header = c.req.header('authorization') ?? '';
    const session = header.startsWith('Bearer ') ? await verifySession(deps.webchat.secret, header.slice(7).trim()) : null;
    if (!session) throw new DomainError('unauthorized', 'Missing or expired chat session');
    const body = await jsonBody(c, messageBody);
    const result = await deps.pipeline({
      channelId: WEB_CHANNEL_ID,
      channelUserId: session.sub,
      channelConversationId: session.cid,
      activityId: body.clientMessageId,
      type: 'message',
      text: body.text,
    });
    return c.json({ replies: result.replies, duplicate: result.duplicate });
  });

  return app;
}
