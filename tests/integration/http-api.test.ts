// Staff API, order webhook, health and the OpenAPI document, over the app's real request handling.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../db/schema/index.js';
import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { setResponseHeader } from '../../src/http/middleware.js';
import { redeemCoupon } from '../../src/domain/loyalty/index.js';
import { hmacHex } from '../../src/lib/crypto.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_ORDER_SECRET, type TestApp } from '../support/app.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function signedOrder(body: unknown, opts: { secret?: string; ts?: number; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const sig = await hmacHex(opts.secret ?? TEST_ORDER_SECRET, `${ts}.${raw}`);
  return t.app.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` },
    body: raw,
  });
}

const order = (id: string, status = 'paid', amount = '1999.90') => ({
  orderId: id,
  memberId: 'api-1',
  status,
  orderedAt: '2026-05-30T10:00:00+08:00',
  lines: [{ productId: 'P1', quantity: 2, amount }],
});

beforeAll(async () => {
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'api-1',
    name: 'Zhang Wei',
    locale: 'zh-CN',
    identity: { channelId: 'emulator', channelUserId: 'u-api' },
  });
});
afterAll(() => t.close());

describe('coupons used at the shop', () => {
  it("lists a member's coupons for checkout, marks the ones an order used when it is paid, once, and gives them back on a refund", async () => {
    await addMember(t.store, clock, { id: 'cu-1', name: 'Coupon User', locale: 'en' });
    await addMember(t.store, clock, { id: 'cu-2', name: 'Other Member', locale: 'en' });
    await paidOrder(t.deps.domain, 'cu-1', 'CU0', '2000', '2026-05-01T00:00:00Z');
    await paidOrder(t.deps.domain, 'cu-2', 'CU9', '2000', '2026-05-01T00:00:00Z');
    const mine = await redeemCoupon({ ctx: t.deps.domain, input: { memberId: 'cu-1', couponId: 'C5', idempotencyKey: 'cu-1-a' } });
    const theirs = await redeemCoupon({ ctx: t.deps.domain, input: { memberId: 'cu-2', couponId: 'C5', idempotencyKey: 'cu-2-a' } });
    const held = async (memberId: string) =>
      (
        (await (await t.app.request(`/api/admin/members/${memberId}/coupons`, { headers: admin })).json()) as {
          coupons: { id: string; valueCents: number }[];
        }
      ).coupons;
    expect((await t.app.request('/api/admin/members/cu-1/coupons')).status).toBe(401);
    expect((await t.app.request('/api/admin/members/nobody/coupons', { headers: admin })).status).toBe(404);
    const list = await held('cu-1');
    expect(list).toEqual([expect.objectContaining({ id: mine.memberCouponId, valueCents: 500, minSpendCents: 0 })]);

    // The order names the member's coupon and another member's: only the first is used.
    const body = { ...order('CU1'), memberId: 'cu-1', coupons: [mine.memberCouponId, theirs.memberCouponId] };
    const paid = await signedOrder(body);
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ couponsUsed: [mine.memberCouponId], couponsRefused: [theirs.memberCouponId] });
    expect(await held('cu-1')).toEqual([]);
    expect(await held('cu-2')).toHaveLength(1);
    // A replay changes nothing; a second order naming the used coupon cannot use it again.
    expect(await (await signedOrder(body)).json()).toMatchObject({ outcome: 'unchanged', couponsUsed: [] });
    expect(await (await signedOrder({ ...order('CU2'), memberId: 'cu-1', coupons: [mine.memberCouponId] })).json()).toMatchObject({
      couponsUsed: [],
      couponsRefused: [mine.memberCouponId],
    });
    // The refund of the order that used it gives it back.
    expect(await (await signedOrder({ ...body, status: 'refunded' })).json()).toMatchObject({ couponsReturned: [mine.memberCouponId] });
    expect((await held('cu-1')).map((c) => c.id)).toEqual([mine.memberCouponId]);
  });
});

describe('health', () => {
  it('GET /health is ok without dependencies and /ready checks the store', async () => {
    const h = await t.app.request('/health');
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const r = await t.app.request('/ready');
    expect(r.status).toBe(200);
  });
});

describe('POST /api/orders', () => {
  it('records a signed paid order, earns points, and a replay is a no-op', async () => {
    const res = await signedOrder(order('W1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ orderId: 'W1', outcome: 'created', pointsEarned: 1999 });
    const again = await signedOrder(order('W1'));
    expect(await again.json()).toMatchObject({ outcome: 'unchanged', pointsEarned: 0 });
    const card = await (await t.app.request('/api/admin/members/api-1', { headers: admin })).json();
    expect(card.points.balance).toBe(1999);
  });

  it('creates a product a line names for the first time, with its Chinese names, and refuses an unknown one without a name', async () => {
    const line = {
      productId: 'NEW1',
      quantity: 1,
      amount: '25.00',
      name: 'Oolong tea',
      nameZh: '乌龙茶',
      category: 'Drinks',
      categoryZh: '饮品',
    };
    await addMember(t.store, clock, { id: 'api-new' });
    const res = await signedOrder({ ...order('W9'), memberId: 'api-new', lines: [line] });
    expect(res.status).toBe(200);
    const [p] = await t.store.db.select().from(products).where(eq(products.id, 'NEW1'));
    expect(p).toMatchObject({ name: 'Oolong tea', nameZh: '乌龙茶', category: 'Drinks', categoryZh: '饮品', priceCents: 2_500 });
    const unknown = await signedOrder({ ...order('W10'), memberId: 'api-new', lines: [{ productId: 'NEW2', quantity: 1, amount: '5' }] });
    expect(unknown.status).toBe(400);
    expect(await t.store.db.select().from(products).where(eq(products.id, 'NEW2'))).toHaveLength(0);
  });

  it('ships and refunds: shipping keeps points, the refund reverses them', async () => {
    await signedOrder({ ...order('W2', 'paid', '100'), carrier: 'SF Express', trackingNo: 'SF123' });
    const shipped = await (await signedOrder(order('W2', 'shipped', '100'))).json();
    expect(shipped).toMatchObject({ outcome: 'updated', pointsEarned: 0 });
    const refunded = await (await signedOrder(order('W2', 'refunded', '100'))).json();
    expect(refunded).toMatchObject({ pointsReversed: 100 });
  });

  it('rejects bad signatures, stale timestamps and bad bodies', async () => {
    expect((await signedOrder(order('W3'), { secret: 'wrong' })).status).toBe(401);
    expect((await signedOrder(order('W3'), { ts: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    const unsigned = await t.app.request('/api/orders', { method: 'POST', body: JSON.stringify(order('W3')) });
    expect(unsigned.status).toBe(401);
    const notJson = await signedOrder(null, { raw: '{"orderId":' });
    expect(notJson.status).toBe(400);
    const invalid = await signedOrder({ ...order('W3'), lines: [] });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain('lines');
    expect(body.error.requestId).toBeTruthy();
    const negative = await signedOrder({ ...order('W3'), lines: [{ productId: 'P1', quantity: 1, amount: '-5' }] });
    expect(negative.status).toBe(400);
    const unknownMember = await signedOrder({ ...order('W3'), memberId: 'nobody' });
    expect(unknownMember.status).toBe(404);
    const unknownProduct = await signedOrder({ ...order('W3'), lines: [{ productId: 'NEW', quantity: 1, amount: '5' }] });
    expect(unknownProduct.status).toBe(400);
    // Nothing half-written: W3 does not exist after all those failures.
    const card = await (await t.app.request('/api/admin/members/api-1', { headers: admin })).json();
    expect(card.points.balance).toBe(1999);
  });

  it('rejects oversized bodies with 413', async () => {
    const res = await t.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(300 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('enforces the body limit over real HTTP, declared or chunked', async () => {
    const server = await startServer(t.app.fetch);
    try {
      // `end: false` sends the headers and waits for the answer without the body (a declared length is enough).
      const post = (headers: Record<string, string>, chunks: string[], end = true) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            `${server.url}/api/orders`,
            { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
            (res) => {
              let body = '';
              res.setEncoding('utf8').on('data', (d) => (body += d));
              res.on('end', () => {
                resolve({ status: res.statusCode ?? 0, body });
                req.destroy();
              });
            },
          );
          req.on('error', reject);
          for (const c of chunks) req.write(c);
          if (end) req.end();
          else req.flushHeaders();
        });
      const big = 'x'.repeat(100 * 1024);
      // Declared: refused from the header, before the body is read.
      const declared = await post({ 'content-length': String(300 * 1024) }, [], false);
      expect(JSON.parse(declared.body).error.code).toBe('payload_too_large');
      expect(declared.status).toBe(413);
      // Chunked (no length): counted as it streams.
      const chunked = await post({ 'transfer-encoding': 'chunked' }, [big, big, big]);
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body).error.code).toBe('payload_too_large');
      // Under the limit, the request reaches the route (an unsigned order is refused there, not by the limit).
      const small = await post({}, ['{}']);
      expect(small.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('request ids and security headers', () => {
  it('every answer over real HTTP carries its request id and the security headers, JSON answers a no-content policy', async () => {
    const server = await startServer(t.app.fetch);
    try {
      const given = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'trace-42.a' } });
      expect(await given.json()).toEqual({ status: 'ok' });
      expect(given.headers.get('x-request-id')).toBe('trace-42.a');
      expect(given.headers.get('x-content-type-options')).toBe('nosniff');
      // An id that is not a plain token is replaced, never echoed.
      const bad = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'a b<script>' } });
      expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const api = await fetch(`${server.url}/api/admin/members/nobody`, { headers: admin });
      expect(api.status).toBe(404);
      expect((await api.json()).error.code).toBe('not_found');
      expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(api.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(api.headers.get('content-type')).toContain('application/json');
    } finally {
      await server.close();
    }
  });

  it('the security headers are the same over real HTTP and through app.request, and a page keeps its own', async () => {
    const server = await startServer(t.app.fetch);
    try {
      for (const get of [(p: string) => fetch(`${server.url}${p}`), (p: string) => t.app.request(p)]) {
        const health = await get('/health');
        expect(health.headers.get('x-content-type-options')).toBe('nosniff');
        expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(health.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
        expect(health.headers.get('cross-origin-resource-policy')).toBeNull(); // shops' pages load the web chat
        expect(health.headers.get('x-powered-by')).toBeNull();
        // The console sends DENY; the default (SAMEORIGIN) must not replace it.
        const login = await get('/console/login');
        expect(login.status).toBe(200);
        expect(login.headers.get('x-frame-options')).toBe('DENY');
        expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(login.headers.get('referrer-policy')).toBe('no-referrer');
      }
    } finally {
      await server.close();
    }
  });

  it('a response with immutable headers still gets them (setResponseHeader falls back to a copy)', async () => {
    const app = new Hono();
    app.use('*', async (c, next) => {
      await next();
      setResponseHeader(c, 'x-request-id', 'r-1');
    });
    app.get('/away', () => Response.redirect('https://shop.example/', 302));
    const res = await app.request('/away');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/');
    expect(res.headers.get('x-request-id')).toBe('r-1');
  });
});

describe('admin API', () => {
  it('requires the bearer token', async () => {
    expect((await t.app.request('/api/admin/members/api-1')).status).toBe(401);
    expect((await t.app.request('/api/admin/members/api-1', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('returns the member card by id and by channel identity', async () => {
    await addMember(t.store, clock, { id: 'api-2', name: 'Amy Lee', locale: 'en' });
    await paidOrder(t.deps.domain, 'api-2', 'A2', '2100', '2026-05-01T00:00:00Z');
    const res = await t.app.request('/api/admin/members/api-2', { headers: admin });
    expect(res.status).toBe(200);
    const card = await res.json();
    expect(card).toMatchObject({
      id: 'api-2',
      name: 'Amy Lee',
      locale: 'en',
      tier: { code: 'silver', name: 'Silver' },
      points: { balance: 2100, expiringSoon: { points: 0 }, nextExpiry: { points: 2100, on: '2027-05-01' } },
      nextTier: { code: 'gold', name: 'Gold', spendNeeded: 2900 },
    });
    expect(new Date(card.points.expiringSoon.before).toISOString()).toBe('2026-07-01T08:00:00.000Z');
    const byChannel = await t.app.request('/api/admin/members?channel=emulator&channelUserId=u-api', { headers: admin });
    expect((await byChannel.json()).id).toBe('api-1');
    expect((await t.app.request('/api/admin/members?channel=emulator&channelUserId=nobody', { headers: admin })).status).toBe(404);
    expect((await t.app.request('/api/admin/members?channel=emulator', { headers: admin })).status).toBe(400);
    expect((await t.app.request('/api/admin/members/nobody', { headers: admin })).status).toBe(404);
  });

  it('runs jobs on demand', async () => {
    const res = await t.app.request('/api/admin/jobs/review-tiers', { method: 'POST', headers: admin });
    expect(res.status).toBe(200);
    expect((await t.app.request('/api/admin/jobs/drop-tables', { method: 'POST', headers: admin })).status).toBe(404);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.app.request('/api/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('routing', () => {
  it("every route fits Hono's RegExpRouter (one static path beside a parameter would switch the whole app to the slower TrieRouter)", async () => {
    await t.app.request('/health');
    const router = t.app.router as unknown as { name: string; activeRouter: { name: string } };
    expect(router.name).toBe('SmartRouter + RegExpRouter');
    expect(router.activeRouter.name).toBe('RegExpRouter');
  });
});

describe('GET /openapi.json', () => {
  it('describes every JSON route the app serves', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const served = t.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(8);
    for (const route of served) {
      const [method, path] = route.split(' ');
      expect(doc.paths[path]?.[method], `${route} is not in openapi.json`).toBeDefined();
    }
  });
});
