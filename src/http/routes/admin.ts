// Staff API for operators and checks: member cards, link codes and on-demand jobs. Admins only (ADMIN_TOKEN or an admin's token).
import { Hono } from 'hono';
import * as z from 'zod/v4';
import {
  findMemberByChannel,
  getConsentHistory,
  getMember,
  getMemberCard,
  issueLinkCode,
  setMarketingConsent,
  type ConsentRecord,
} from '../../domain/members/index.js';
import { listMemberCoupons } from '../../domain/loyalty/index.js';
import { describeReason, MAX_K, recommendForMember } from '../../domain/products/index.js';
import { findJob, JOBS } from '../../jobs/registry.js';
import { runJob } from '../../jobs/run.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../app-env.js';
import { adminAuth, jsonBody, parseWith } from '../middleware.js';
import { audit, currentStaff } from '../staff-auth.js';
import type { RouteDoc } from '../openapi.js';

export const memberCardSchema = z.object({
  id: z.string(),
  name: z.string(),
  locale: z.enum(['zh-CN', 'en']),
  timeZone: z.string(),
  marketingConsent: z.boolean(),
  tier: z.object({ code: z.string(), name: z.string(), nameZh: z.string(), nameEn: z.string() }),
  points: z.object({
    balance: z.number().int(),
    expiringSoon: z.object({ points: z.number().int(), before: z.string() }),
    nextExpiry: z
      .object({ points: z.number().int(), on: z.string().describe("YYYY-MM-DD, the member's time zone") })
      .nullable()
      .describe('The first day points expire and how many go then'),
  }),
  nextTier: z.object({ code: z.string(), name: z.string(), spendNeeded: z.number().describe('yuan') }).nullable(),
  rollingSpend: z.number().describe('yuan, rolling 12 months'),
});

const lookupQuery = z.object({ channel: z.string().min(1).max(64), channelUserId: z.string().min(1).max(256) });
const jobName = z.enum(JOBS.map((j) => j.name) as [string, ...string[]]);

const yuanParam = z.coerce.number().min(0).max(10_000_000);
const couponsSchema = z.object({
  coupons: z.array(
    z.object({
      id: z.string().describe("the member's coupon: what the order event's `coupons` names"),
      couponId: z.string(),
      nameZh: z.string(),
      nameEn: z.string(),
      valueCents: z.number().int(),
      minSpendCents: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string(),
    }),
  ),
});
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
        categoryZh: z.string().nullable().optional(),
        timesBought: z.number().int().optional(),
      }),
      reasonText: z.string(),
      pointsOff: z
        .object({ couponId: z.string(), name: z.string(), nameZh: z.string(), off: z.number(), pointsCost: z.number().int() })
        .nullable()
        .describe("the coupon the member's points can buy that takes most off the price (points pay through coupons only)"),
    }),
  ),
});

export const consentSchema = z.object({
  memberId: z.string(),
  marketingConsent: z.boolean(),
  marketingConsentAt: z.string().nullable().describe('when the consent last changed (ISO 8601)'),
  history: z
    .array(
      z.object({
        granted: z.boolean(),
        source: z.enum(['chat', 'console', 'api', 'import']),
        channelId: z.string().nullable().describe('the channel the member wrote from (chat)'),
        actor: z.string().nullable().describe('member id (chat) or staff id (console, api); null for an import'),
        createdAt: z.string(),
      }),
    )
    .describe('changes, newest first'),
});

const consentBody = z.object({ granted: z.boolean().describe('true: opted in to marketing; false: opted out') }).strict();
const consentQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** The consent record as the API shows it. */
export function consentJson(r: ConsentRecord): z.infer<typeof consentSchema> {
  return {
    memberId: r.memberId,
    marketingConsent: r.marketingConsent,
    marketingConsentAt: r.marketingConsentAt?.toISOString() ?? null,
    history: r.history.map((h) => ({
      granted: h.granted,
      source: h.source,
      channelId: h.channelId,
      actor: h.actor,
      createdAt: h.createdAt.toISOString(),
    })),
  };
}

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
    method: 'get',
    path: '/api/admin/members/{id}/coupons',
    summary:
      "A member's coupons they can use now (id, value, minimum spend, expiry), for the shop's checkout; send the ids used in the order event's `coupons`",
    tag: 'admin',
    security: 'admin',
    response: couponsSchema,
    errors: { 401: 'Missing or wrong token', 404: 'No such member' },
  },
  {
    method: 'get',
    path: '/api/admin/members/{id}/consent',
    summary: "A member's marketing consent and every change to it (chat keyword, console, API, import), newest first",
    tag: 'admin',
    security: 'admin',
    query: consentQuery,
    response: consentSchema,
    errors: { 401: 'Missing or wrong token', 404: 'No such member' },
  },
  {
    method: 'put',
    path: '/api/admin/members/{id}/consent',
    summary: "Set a member's marketing consent (source api, actor the caller); setting the consent they already have changes nothing",
    tag: 'admin',
    security: 'admin',
    body: consentBody,
    response: consentSchema,
    errors: { 400: 'Invalid body', 401: 'Missing or wrong token', 404: 'No such member' },
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
  app.get('/api/admin/members/:id/coupons', async (c) => {
    const ctx = c.get('deps').domain;
    const memberId = c.req.param('id');
    if (!(await getMember({ ctx, input: { memberId } }))) throw new DomainError('not_found', 'Member not found');
    const held = await listMemberCoupons({ ctx, input: { memberId } });
    return c.json({
      coupons: held.map((h) => ({
        id: h.id,
        couponId: h.coupon.id,
        nameZh: h.coupon.nameZh,
        nameEn: h.coupon.nameEn,
        valueCents: h.coupon.valueCents,
        minSpendCents: h.coupon.minSpendCents,
        issuedAt: h.issuedAt.toISOString(),
        expiresAt: h.expiresAt.toISOString(),
      })),
    });
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
        pointsOff: i.pointsOff && {
          couponId: i.pointsOff.couponId,
          name: i.pointsOff.nameEn,
          nameZh: i.pointsOff.nameZh,
          off: i.pointsOff.offCents / 100,
          pointsCost: i.pointsOff.pointsCost,
        },
      })),
    });
  });
  app.get('/api/admin/members/:id/consent', async (c) => {
    const q = parseWith(consentQuery, c.req.query());
    const r = await getConsentHistory({ ctx: c.get('deps').domain, input: { memberId: c.req.param('id'), limit: q.limit } });
    return c.json(consentJson(r));
  });
  app.put('/api/admin/members/:id/consent', async (c) => {
    const body = await jsonBody(c, consentBody);
    const ctx = c.get('deps').domain;
    const memberId = c.req.param('id');
    const staff = currentStaff(c);
    const r = await setMarketingConsent({ ctx, input: { memberId, granted: body.granted, source: 'api', actor: staff.id } });
    if (r.changed) await audit(c, 'member.consent', `member:${memberId}`, { granted: body.granted });
    return c.json(consentJson(await getConsentHistory({ ctx, input: { memberId } })));
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
