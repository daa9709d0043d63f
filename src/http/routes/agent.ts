// Agent API: the handoff queue, claim, reply, notes, resolve, live events (SSE), canned replies, feedback, reports, NPS.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as z from 'zod/v4';
import { FEEDBACK_CATEGORIES, HANDOFF_STATUSES } from '../../../db/schema/index.js';
import { feedbackReport, listFeedback } from '../../domain/feedback/index.js';
import {
  addCannedReply,
  addHandoffNote,
  deleteCannedReply,
  getHandoff,
  getHandoffSettings,
  handoffSettingsSchema,
  HANDOFF_SIGNAL,
  latestHandoffEventId,
  listCannedReplies,
  listHandoffEventsAfter,
  listHandoffs,
  updateHandoffSettings,
} from '../../domain/handoffs/index.js';
import { sendNpsSurvey } from '../../handoff/nps.js';
import { deliveryJson, handoffJson, handoffViewJson, loadHandoffView } from '../../handoff/view.js';
import { DomainError } from '../../lib/errors.js';
import { signalsFor } from '../../lib/signal.js';
import type { AppEnv } from '../app-env.js';
import { jsonBody, parseWith } from '../middleware.js';
import type { RouteDoc } from '../openapi.js';
import { audit, currentStaff, requireStaff } from '../staff-auth.js';

const handoffSchema = z.object({
  id: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  mode: z.enum(['live', 'ticket']).describe('live: the member waits in chat; ticket: follow up later (after hours, timed out, complaint)'),
  reason: z.enum(['member_request', 'complaint', 'bot_failure', 'assistant']),
  locale: z.enum(['zh-CN', 'en']),
  channelId: z.string(),
  conversationId: z.string(),
  member: z.object({ id: z.string(), name: z.string() }),
  agent: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  requestedAt: z.string(),
  claimedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  timedOutAt: z.string().nullable(),
  replyBy: z.string().nullable().describe('Tickets: when the member was told to expect an answer'),
  lastMemberMessageAt: z.string().nullable(),
  lastMemberText: z.string().nullable(),
  waitMs: z.number().describe('Time in the queue (so far, while pending)'),
});
const deliverySchema = z.object({
  id: z.string(),
  kind: z.enum(['agent', 'notice', 'csat']),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number(),
  retryable: z.boolean().describe('Failed but will be retried automatically at nextAttemptAt'),
  error: z.string().nullable(),
  httpStatus: z.number().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  text: z.string(),
});
const listQuery = z.object({
  status: z
    .enum([...HANDOFF_STATUSES, 'open'])
    .default('open')
    .describe('open = pending and assigned'),
  mine: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  memberId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const messageBody = z
  .object({
    text: z.string().min(1).max(4000),
    clientMessageId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w-]+$/)
      .optional()
      .describe('Your id for this send: a retried request delivers once'),
  })
  .strict();
const noteBody = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
const resolveBody = z.object({ note: z.string().max(2000).optional() }).strict();
const cannedBody = z
  .object({ locale: z.enum(['zh-CN', 'en']), title: z.string().trim().min(1).max(80), text: z.string().trim().min(1).max(2000) })
  .strict();
const feedbackQuery = z.object({
  kind: z.enum(['csat', 'nps', 'text', 'complaint']).optional(),
  category: z.enum(FEEDBACK_CATEGORIES).optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
  memberId: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const npsBody = z
  .object({
    conversationId: z.string().max(600).optional().describe("Defaults to the member's most recent conversation"),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional().describe('Replay events after this id (EventSource sends Last-Event-ID instead)'),
});
const waitStats = z.object({
  count: z.number(),
  avgMs: z.number().nullable(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  csat: z.object({ count: z.number(), average: z.number().nullable(), distribution: z.array(z.number()).describe('counts of 1..5') }),
  nps: z.object({
    count: z.number(),
    score: z.number().nullable(),
    promoters: z.number(),
    passives: z.number(),
    detractors: z.number(),
    distribution: z.array(z.number()).describe('counts of 0..10'),
  }),
  handoffs: z.object({
    total: z.number(),
    byStatus: z.record(z.string(), z.number()),
    byReason: z.record(z.string(), z.number()),
    tickets: z.number(),
    timedOut: z.number(),
    wait: waitStats,
    handleTime: waitStats,
  }),
  perAgent: z.array(
    z.object({
      agentId: z.string(),
      name: z.string(),
      claimed: z.number(),
      resolved: z.number(),
      csatCount: z.number(),
      csatAverage: z.number().nullable(),
      wait: waitStats,
      handleTime: waitStats,
    }),
  ),
  perWeek: z.array(
    z.object({
      week: z.string(),
      handoffs: z.number(),
      csatCount: z.number(),
      csatAverage: z.number().nullable(),
      npsCount: z.number(),
      npsScore: z.number().nullable(),
      medianWaitMs: z.number().nullable(),
    }),
  ),
  categories: z.array(
    z.object({ category: z.string(), positive: z.number(), neutral: z.number(), negative: z.number(), total: z.number() }),
  ),
});

const AGENT = ['agent'] as const;
const READERS = ['agent', 'marketer'] as const;
const E = { 401: 'Not signed in', 403: 'Role not allowed' };

export const agentDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agent/handoffs',
    summary: 'Handoffs by status (default: open = pending and assigned, longest wait first)',
    tag: 'agent',
    security: 'staff',
    query: listQuery,
    response: z.object({ handoffs: z.array(handoffSchema) }),
    errors: E,
  },
  {
    method: 'get',
    path: '/api/agent/handoffs/{id}',
    summary: 'One handoff: transcript with delivery state, summary, loyalty card, notes, canned replies',
    tag: 'agent',
    security: 'staff',
    response: z.object({ handoff: handoffSchema }).passthrough(),
    errors: { ...E, 404: 'No such handoff' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/claim',
    summary: 'Take a pending handoff (atomic: of two agents claiming at once exactly one wins); the member is told who joined',
    tag: 'agent',
    security: 'staff',
    response: z.object({ handoff: handoffSchema, notice: deliverySchema }),
    errors: { ...E, 404: 'No such handoff', 409: 'Already claimed, resolved or cancelled' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/release',
    summary: 'Return an assigned handoff to the queue',
    tag: 'agent',
    security: 'staff',
    response: z.object({ handoff: handoffSchema }),
    errors: { ...E, 409: 'Not yours or not assigned' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/messages',
    summary:
      'Reply to the member on their channel (Bot Framework proactive message, web chat live); the delivery state comes back and failures are retried',
    tag: 'agent',
    security: 'staff',
    body: messageBody,
    response: z.object({ delivery: deliverySchema }),
    errors: { ...E, 404: 'No such handoff', 409: 'Not assigned (claim first) or already resolved' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/messages/{deliveryId}/retry',
    summary: 'Try a failed delivery again now',
    tag: 'agent',
    security: 'staff',
    response: z.object({ delivery: deliverySchema }),
    errors: { ...E, 404: 'No such delivery' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/notes',
    summary: 'Add an internal note (members never see it)',
    tag: 'agent',
    security: 'staff',
    body: noteBody,
    response: z.object({ note: z.object({ id: z.number(), text: z.string(), createdAt: z.string() }) }),
    errors: { ...E, 404: 'No such handoff' },
  },
  {
    method: 'post',
    path: '/api/agent/handoffs/{id}/resolve',
    summary: 'Resolve: the assistant takes the conversation back and the member is asked for a 1-5 rating (buttons; typed digits count)',
    tag: 'agent',
    security: 'staff',
    body: resolveBody,
    response: z.object({ handoff: handoffSchema, csat: deliverySchema.nullable() }),
    errors: { ...E, 403: 'Another agent has it', 404: 'No such handoff', 409: 'Not assigned' },
  },
  {
    method: 'get',
    path: '/api/agent/events',
    summary:
      'Server-sent events (text/event-stream) of handoff changes: `event: handoff`, `id: <event id>`, data `{ id, handoffId, type, data, at }`; reconnects resume from Last-Event-ID',
    tag: 'agent',
    security: 'staff',
    query: eventsQuery,
    errors: E,
  },
  {
    method: 'get',
    path: '/api/agent/canned-replies',
    summary: 'Canned replies (per locale)',
    tag: 'agent',
    security: 'staff',
    query: z.object({ locale: z.enum(['zh-CN', 'en']).optional() }),
    response: z.object({
      cannedReplies: z.array(z.object({ id: z.string().nullable(), locale: z.string(), title: z.string(), text: z.string() })),
    }),
    errors: E,
  },
  {
    method: 'post',
    path: '/api/admin/canned-replies',
    summary: 'Add a canned reply ({{name}} and {{agent}} are filled in)',
    tag: 'agent',
    security: 'admin',
    body: cannedBody,
    response: z.object({ id: z.string() }),
    errors: E,
  },
  {
    method: 'delete',
    path: '/api/admin/canned-replies/{id}',
    summary: 'Delete a canned reply',
    tag: 'agent',
    security: 'admin',
    response: z.object({ deleted: z.boolean() }),
    errors: { ...E, 404: 'No such canned reply' },
  },
  {
    method: 'get',
    path: '/api/agent/feedback',
    summary: 'Feedback, complaints (with their ticket) and ratings, newest first',
    tag: 'feedback',
    security: 'staff',
    query: feedbackQuery,
    response: z.object({ feedback: z.array(z.record(z.string(), z.unknown())) }),
    errors: E,
  },
  {
    method: 'post',
    path: '/api/agent/members/{id}/nps',
    summary: 'Ask one member for an NPS score (0-10) in their latest conversation; idempotent with idempotencyKey',
    tag: 'feedback',
    security: 'staff',
    body: npsBody,
    response: z.object({ status: z.enum(['sent', 'duplicate', 'busy', 'no_conversation', 'failed']) }).passthrough(),
    errors: { ...E, 404: 'No such member' },
  },
  {
    method: 'get',
    path: '/api/agent/reports',
    summary:
      "CSAT and NPS (overall, per agent, per week from Monday in the caller's time zone), handoff volume and wait times, feedback by category",
    tag: 'feedback',
    security: 'staff',
    query: z.object({ weeks: z.coerce.number().int().min(1).max(104).default(8) }),
    response: reportSchema,
    errors: E,
  },
  {
    method: 'get',
    path: '/api/admin/handoff-settings',
    summary: 'Business hours per locale and time zone, queue timeout, wait estimate, CSAT window',
    tag: 'agent',
    security: 'admin',
    response: handoffSettingsSchema,
    errors: E,
  },
  {
    method: 'put',
    path: '/api/admin/handoff-settings',
    summary: 'Replace the handoff settings',
    tag: 'agent',
    security: 'admin',
    body: handoffSettingsSchema,
    response: handoffSettingsSchema,
    errors: E,
  },
];

/** A stream ends after this long; EventSource reconnects and resumes from its last event id. */
const STREAM_MAX_MS = 5 * 60_000;
const HEARTBEAT_MS = 15_000;
/** Other instances' events show up within this (in this process a signal wakes the stream at once). */
const POLL_MS = 2_000;

export function agentRoutes() {
  const app = new Hono<AppEnv>();
  const agent = requireStaff(AGENT, { page: false });
  const readers = requireStaff(READERS, { page: false });
  const admin = requireStaff(['admin'], { page: false });

  app.get('/api/agent/handoffs', agent, async (c) => {
    const q = parseWith(listQuery, c.req.query());
    const deps = c.get('deps');
    const rows = await listHandoffs({
      ctx: deps.domain,
      input: { status: q.status, agentId: q.mine ? currentStaff(c).id : undefined, memberId: q.memberId, limit: q.limit },
    });
    const now = deps.domain.clock();
    return c.json({ handoffs: rows.map((h) => handoffJson(h, now)) });
  });

  app.get('/api/agent/handoffs/:id', agent, async (c) => {
    const deps = c.get('deps');
    const view = await loadHandoffView(deps.domain, c.req.param('id'), currentStaff(c).timeZone);
    await audit(c, 'handoff.view', `handoff:${view.handoff.id}`, { memberId: view.handoff.memberId });
    return c.json(handoffViewJson(view, deps.domain.clock()));
  });

  app.post('/api/agent/handoffs/:id/claim', agent, async (c) => {
    const deps = c.get('deps');
    const me = currentStaff(c);
    const r = await deps.handoff.claim(me, c.req.param('id'));
    await audit(c, 'handoff.claim', `handoff:${r.handoff.id}`, { memberId: r.handoff.memberId });
    const row = await loadRow(c, r.handoff.id);
    return c.json({ handoff: row, notice: deliveryJson(r.notice) });
  });

  app.post('/api/agent/handoffs/:id/release', agent, async (c) => {
    const deps = c.get('deps');
    const h = await deps.handoff.release(currentStaff(c), c.req.param('id'));
    await audit(c, 'handoff.release', `handoff:${h.id}`);
    return c.json({ handoff: await loadRow(c, h.id) });
  });

  app.post('/api/agent/handoffs/:id/messages', agent, async (c) => {
    const body = await jsonBody(c, messageBody);
    const d = await c.get('deps').handoff.reply(currentStaff(c), c.req.param('id'), body.text, body.clientMessageId);
    await audit(c, 'handoff.reply', `handoff:${d.handoffId}`, { deliveryId: d.id, status: d.status, chars: d.text.length });
    return c.json({ delivery: deliveryJson(d) });
  });

  app.post('/api/agent/handoffs/:id/messages/:deliveryId/retry', agent, async (c) => {
    const d = await c.get('deps').handoff.retry(c.req.param('deliveryId'), c.req.param('id'));
    await audit(c, 'handoff.retry_delivery', `handoff:${d.handoffId}`, { deliveryId: d.id, status: d.status });
    return c.json({ delivery: deliveryJson(d) });
  });

  app.post('/api/agent/handoffs/:id/notes', agent, async (c) => {
    const body = await jsonBody(c, noteBody);
    const note = await addHandoffNote({
      ctx: c.get('deps').domain,
      input: { handoffId: c.req.param('id'), staffId: currentStaff(c).id, text: body.text },
    });
    await audit(c, 'handoff.note', `handoff:${note.handoffId}`, { noteId: note.id });
    return c.json({ note: { id: note.id, text: note.text, createdAt: note.createdAt.toISOString() } });
  });

  app.post('/api/agent/handoffs/:id/resolve', agent, async (c) => {
    const body = await jsonBody(c, resolveBody);
    const r = await c.get('deps').handoff.resolve(currentStaff(c), c.req.param('id'), body.note);
    await audit(c, 'handoff.resolve', `handoff:${r.handoff.id}`, { csat: r.csat?.status ?? null });
    return c.json({ handoff: await loadRow(c, r.handoff.id), csat: r.csat ? deliveryJson(r.csat) : null });
  });

  app.get('/api/agent/events', agent, async (c) => {
    const deps = c.get('deps');
    const q = parseWith(eventsQuery, c.req.query());
    const lastId = Number(c.req.header('last-event-id'));
    const start = Number.isInteger(lastId) && lastId >= 0 ? lastId : q.after;
    let cursor = start ?? (await latestHandoffEventId(deps.domain));
    c.header('cache-control', 'no-store');
    // Proxies (nginx) must not buffer the stream.
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      const opened = Date.now();
      let lastWrite = Date.now();
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ cursor }), retry: 3000 });
      while (!abort.signal.aborted && Date.now() - opened < STREAM_MAX_MS) {
        const events = await listHandoffEventsAfter({ ctx: deps.domain, input: { after: cursor } });
        for (const e of events) {
          await stream.writeSSE({
            id: String(e.id),
            event: 'handoff',
            data: JSON.stringify({ id: e.id, handoffId: e.handoffId, type: e.type, data: e.data, at: e.createdAt.toISOString() }),
          });
          cursor = e.id;
          lastWrite = Date.now();
        }
        if (events.length) continue;
        await signalsFor(deps.store).wait(HANDOFF_SIGNAL, POLL_MS, abort.signal);
        if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      }
    });
  });

  app.get('/api/agent/canned-replies', agent, async (c) => {
    const locale = parseWith(z.object({ locale: z.enum(['zh-CN', 'en']).optional() }), c.req.query()).locale;
    return c.json({ cannedReplies: await listCannedReplies({ ctx: c.get('deps').domain, input: { locale } }) });
  });

  app.post('/api/admin/canned-replies', admin, async (c) => {
    const body = await jsonBody(c, cannedBody);
    const row = await addCannedReply({ ctx: c.get('deps').domain, input: { ...body, staffId: currentStaff(c).id } });
    await audit(c, 'canned_reply.create', `canned:${row.id}`, { locale: row.locale, title: row.title });
    return c.json({ id: row.id });
  });

  app.delete('/api/admin/canned-replies/:id', admin, async (c) => {
    await deleteCannedReply({ ctx: c.get('deps').domain, input: { id: c.req.param('id') } });
    await audit(c, 'canned_reply.delete', `canned:${c.req.param('id')}`);
    return c.json({ deleted: true });
  });

  app.get('/api/agent/feedback', readers, async (c) => {
    const q = parseWith(feedbackQuery, c.req.query());
    const rows = await listFeedback({ ctx: c.get('deps').domain, input: q });
    return c.json({
      feedback: rows.map((f) => ({ ...f, createdAt: f.createdAt.toISOString(), updatedAt: f.updatedAt?.toISOString() ?? null })),
    });
  });

  app.post('/api/agent/members/:id/nps', readers, async (c) => {
    const deps = c.get('deps');
    const body = await jsonBody(c, npsBody);
    const r = await sendNpsSurvey({
      ctx: deps.domain,
      outbound: deps.outbound,
      input: { memberId: c.req.param('id'), source: 'agent', ...body },
    });
    await audit(c, 'feedback.nps_send', `member:${c.req.param('id')}`, { status: r.status });
    return c.json(r);
  });

  app.get('/api/agent/reports', readers, async (c) => {
    const q = parseWith(z.object({ weeks: z.coerce.number().int().min(1).max(104).default(8) }), c.req.query());
    return c.json(await feedbackReport({ ctx: c.get('deps').domain, input: { weeks: q.weeks, timeZone: currentStaff(c).timeZone } }));
  });

  app.get('/api/admin/handoff-settings', admin, async (c) => c.json(await getHandoffSettings({ ctx: c.get('deps').domain, input: {} })));

  app.put('/api/admin/handoff-settings', admin, async (c) => {
    const body = await jsonBody(c, handoffSettingsSchema);
    const s = await updateHandoffSettings({ ctx: c.get('deps').domain, input: { settings: body, staffId: currentStaff(c).id } });
    await audit(c, 'settings.handoff', 'settings:handoff', { queueTimeoutMinutes: s.queueTimeoutMinutes });
    return c.json(s);
  });

  return app;
}

/** The API row of a handoff after a change. */
async function loadRow(c: Context<AppEnv>, handoffId: string) {
  const deps = c.get('deps');
  const row = await getHandoff({ ctx: deps.domain, input: { handoffId } });
  if (!row) throw new DomainError('not_found', 'No such handoff');
  return handoffJson(row, deps.domain.clock());
}
