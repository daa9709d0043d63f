// Staff API for operators and checks: member cards, link codes and on-demand jobs. Admins only (ADMIN_TOKEN or an admin's token).
import { Hono } from 'hono';
import * as z from 'zod';
import { findMemberByChannel, getMember, getMemberCard, issueLinkCode } from '../../domain/members/index.js';
import { describeReason, MAX_K, recommendForMember } from '../../domain/products/index.js';
import { findJob, JOBS } from '../../jobs/registry.js';
import { runJob } from '../../jobs/run.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../app-env.js';
import { adminAuth, parseWith } from '../middleware.js';
import { audit } from '../staff-auth.js';
import type { RouteDoc } from '../openapi.js';

export const memberCardSchema = z.object({
  id: z.string(),
  name: z.string(),
  locale: z.enum(['zh-CN', 'en']),
  timeZone: z.string(),
  marketingConsent: z.boolean(),
  tier: z.object({ code: z.string(), name: z.string(), nameZh: z.string(), nameEn: z.string() }),
  points: z.object({ balance: z.number().int(), expiringSoon: z.object({ points: z.number().int(), before: z.string() }) }),
  nextTier: z.object({ code: z.string(), spendNeeded: z.number().describe('yuan') }).nullable(),
  rollingSpend: z.number().describe('yuan, rolling 12 months'),
});

const lookupQuery = z.object({ channel: z.string().min(1).max(64), channelUserId: z.string().min(1).max(256) });
const jobName = z.enum(JOBS.map((j) => j.name) as [string, ...string[]]);

const yuanParam = z.coerce.number().min(0).max(10_000_000);
const recommendationsQuery = z.object({
  k: z.coerce.number().int().min(1).max(MAX_K).default(10).describe('how many products'),
  minPrice: yuanParam.optional().describe('lowest price, yuan'),
  maxPrice: yuanParam.optional().describe('highest price, yuan'),
  category: z.string().min(1).max(100).optional().describe('only this category'),
  lang: z.enum(['zh-CN', 'en']).optional().describe("language of reasonText; default the member's locale"),
});

export const recommendationsSchema = z.object({
  memberId: z.string(),
  items: z.array(
    z.object({
      productId: z.string(),
      name: z.string(),
      nameZh: z.string().nullable(),
      price: z.number().describe('yuan'),
      category: z.string(),
      score: z.number().describe('estimated chance of being in the next order; compare within one list'),
      reason: z.object({
        kind: z.enum(['repeat', 'co_purchase', 'category', 'popular']),
        productId: z.string().optional(),
        productName: z.string().optional(),
        productNameZh: z.string().nullable().optional(),
        category: z.string().optional(),
        timesBought: z.number().int().optional(),
      }),
      reasonText: z.string(),
      pointsCanPay: z.boolean(),
    }),
  ),
});

export const adminDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/admin/members/{id}',
    summary: "A member's loyalty card",
    tag: 'admin',
    security: 'admin',
    response: memberCardSchema,
    errors: { 401: 'Missing or wrong token', 404: 'No such member' },
  },
  {
    method: 'get',
    path: '/api/admin/members',
    summary: 'Find a member by channel identity',
    tag: 'admin',
    security: 'admin',
    query: lookupQuery,
    response: memberCardSchema,
    errors: { 401: 'Missing or wrong token', 404: 'Identity not linked' },
  },
  {
    method: 'get',
    path: '/api/admin/members/{id}/recommendations',
    summary: 'Products recommended for a member, best first, each with its reason (in stock and allowed for their tier)',
    tag: 'admin',
    security: 'admin',
    query: recommendationsQuery,
    response: recommendationsSchema,
    errors: { 401: 'Missing or wrong token', 404: 'No such member' },
  },
  {
    method: 'post',
    path: '/api/admin/members/{id}/link-codes',
    summary:
      'Issue a one-time code the member sends in chat ("link 123456") to link a channel identity; the shop\'s account page calls this',
    tag: 'admin',
    security: 'admin',
    response: z.object({ code: z.string(), expiresAt: z.string() }),
    errors: { 401: 'Missing or wrong token', 404: 'No such member', 409: 'The member was erased' },
  },
  {
    method: 'post',
    path: '/api/admin/jobs/{name}',
    summary: `Run a scheduled job now: ${JOBS.map((j) => j.name).join(', ')}`,
    tag: 'admin',
    security: 'admin',
    response: z.object({ job: jobName, result: z.record(z.string(), z.unknown()) }),
    errors: { 401: 'Missing or wrong token', 404: 'No such job', 409: 'The job is already running', 500: 'The job failed' },
  },
];

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/api/admin/*', adminAuth());
  app.get('/api/admin/members/:id', async (c) => {
    const card = await getMemberCard({ ctx: c.get('deps').domain, input: { memberId: c.req.param('id') } });
    return c.json(card);
  });
  app.get('/api/admin/members', async (c) => {
    const q = parseWith(lookupQuery, c.req.query());
    const ctx = c.get('deps').domain;
    const member = await findMemberByChannel({ ctx, input: { channelId: q.channel, channelUserId: q.channelUserId } });
    if (!member) throw new DomainError('not_found', 'No member is linked to that channel identity');
    return c.json(await getMemberCard({ ctx, input: { memberId: member.id } }));
  });
  app.get('/api/admin/members/:id/recommendations', async (c) => {
    const q = parseWith(recommendationsQuery, c.req.query());
    const ctx = c.get('deps').domain;
    const memberId = c.req.param('id');
    const member = await getMember({ ctx, input: { memberId } });
    if (!member) throw new DomainError('not_found', 'Member not found');
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice)
      throw new DomainError('bad_request', 'minPrice must not be above maxPrice');
    const items = await recommendForMember({
      ctx,
      input: {
        memberId,
        k: q.k,
        minPriceCents: q.minPrice === undefined ? undefined : Math.floor(q.minPrice * 100),
        maxPriceCents: q.maxPrice === undefined ? undefined : Math.ceil(q.maxPrice * 100),
        category: q.category,
      },
    });
    const lang = q.lang ?? member.locale;
    return c.json({
      memberId,
      items: items.map((i) => ({
        productId: i.productId,
        name: i.name,
        nameZh: i.nameZh,
        price: i.priceCents / 100,
        category: i.category,
        score: i.score,
        reason: i.reason,
        reasonText: describeReason(lang, i.reason),
        pointsCanPay: i.pointsCanPay,
      })),
    });
  });
  app.post('/api/admin/members/:id/link-codes', async (c) => {
    const r = await issueLinkCode({ ctx: c.get('deps').domain, input: { memberId: c.req.param('id') } });
    await audit(c, 'member.link_code', `member:${c.req.param('id')}`);
    return c.json({ code: r.code, expiresAt: r.expiresAt.toISOString() });
  });
  app.post('/api/admin/jobs/:name', async (c) => {
    const job = findJob(c.req.param('name'));
    if (!job) throw new DomainError('not_found', 'Unknown job');
    const outcome = await runJob(c.get('deps'), job);
    if (outcome.status === 'skipped') throw new DomainError('conflict', `Job ${job.name} is already running`);
    if (outcome.status === 'failed') throw new DomainError('internal', `Job ${job.name} failed`);
    await audit(c, 'job.run', `job:${job.name}`, outcome.result);
    return c.json({ job: job.name, result: outcome.result });
  });
  return app;
}
