// Admin API for data-subject requests: export everything about a member, or erase it. Admins only, audited.
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { eraseMember, exportMember, forgetConversationState, type PrivacyActor } from '../../domain/privacy/index.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../app-env.js';
import { adminAuth, jsonBody } from '../middleware.js';
import type { RouteDoc } from '../openapi.js';
import { currentStaff } from '../staff-auth.js';
import type { Context } from 'hono';

const eraseBody = z
  .object({ confirm: z.string().min(1).max(64).describe("the member's id again, so a mistyped URL erases nobody") })
  .strict();

const exportSchema = z.object({
  format: z.literal('member-export/1'),
  memberId: z.string(),
  exportedAt: z.string(),
  erasedAt: z.string().nullable(),
  data: z
    .record(z.string(), z.array(z.record(z.string(), z.unknown())))
    .describe('one section per table: profile, identities, ledger, orders, messages, ...'),
});

const eraseSchema = z.object({
  memberId: z.string(),
  alreadyErased: z.boolean(),
  counts: z.record(z.string(), z.number().int()).describe('rows deleted or anonymized per section'),
  stateKeysCleared: z.number().int(),
});

export const privacyDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/admin/members/{id}/export',
    summary: 'Everything stored about a member, as one JSON document (audited)',
    tag: 'admin',
    security: 'admin',
    response: exportSchema,
    errors: { 401: 'Missing or wrong token', 403: 'Not an admin', 404: 'No such member' },
  },
  {
    method: 'post',
    path: '/api/admin/members/{id}/erase',
    summary:
      "Erase a member's personal data in one transaction: identities, transcripts, handoff notes and deliveries deleted; feedback, handoffs and the profile anonymized; the points ledger and orders kept on the anonymized profile (audited, idempotent)",
    tag: 'admin',
    security: 'admin',
    body: eraseBody,
    response: eraseSchema,
    errors: { 400: 'confirm missing or not the member id', 401: 'Missing or wrong token', 403: 'Not an admin', 404: 'No such member' },
  },
];

function actorOf(c: Context<AppEnv>): PrivacyActor {
  const s = currentStaff(c);
  return { staffId: s.id, via: s.via, requestId: c.get('requestId') };
}

export function privacyRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/api/admin/members/:id/export', adminAuth());
  app.use('/api/admin/members/:id/erase', adminAuth());
  app.get('/api/admin/members/:id/export', async (c) => {
    const doc = await exportMember({ ctx: c.get('deps').domain, input: { memberId: c.req.param('id'), actor: actorOf(c) } });
    c.header('cache-control', 'no-store');
    return c.json(doc);
  });
  app.post('/api/admin/members/:id/erase', async (c) => {
    const memberId = c.req.param('id');
    const body = await jsonBody(c, eraseBody);
    if (body.confirm !== memberId) throw new DomainError('bad_request', 'confirm must repeat the member id');
    const deps = c.get('deps');
    const r = await eraseMember({ ctx: deps.domain, input: { memberId, actor: actorOf(c) } });
    const state = await forgetConversationState(deps.state, r.conversationIds, deps.log);
    deps.log.info('member erased', { memberId, alreadyErased: r.alreadyErased, stateKeysFailed: state.failed });
    return c.json({ memberId, alreadyErased: r.alreadyErased, counts: r.counts, stateKeysCleared: state.cleared });
  });
  return app;
}
