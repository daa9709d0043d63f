// Recommendations on a real libSQL store: staples, popularity, filters, reasons, upkeep on import/webhook/refund, the admin endpoint.
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Campaign, coupons, members, orderLines, orders, products } from '../../db/schema/index.js';
import { renderForMember } from '../../src/domain/campaigns/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import type { TurnCtx } from '../../src/assistant/types.js';
import { MemoryState } from '../../src/state/memory.js';
import type { DomainCtx } from '../../src/domain/context.js';
import { getAgentMemberCard } from '../../src/domain/handoffs/index.js';
import { importOrders } from '../../src/domain/orders/import-orders.js';
import {
  describeReason,
  ensureRecommendationStats,
  rebuildRecommendationStats,
  getProductForMember,
  productUrl,
  recommendationText,
  recommendForMember,
  type Recommendation,
} from '../../src/domain/products/index.js';
import { parseEnv } from '../../src/env.js';
import { hmacHex } from '../../src/lib/crypto.js';
import { DomainError } from '../../src/lib/errors.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_ORDER_SECRET, type TestApp } from '../support/app.js';
import { addMember, domainCtx, fixedClock } from '../support/fixtures.js';
import { createTestStore } from '../support/store.js';
import { buy, CATALOG, seedCatalog, statsSnapshot } from '../support/recs-fixtures.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
let t: TestApp;
let ctx: DomainCtx;

const day = (d: number) => new Date(Date.UTC(2026, 4, d, 10)).toISOString();
const recs = (memberId: string, extra: Partial<Parameters<typeof recommendForMember>[0]['input']> = {}) =>
  recommendForMember({ ctx, input: { memberId, k: 5, ...extra } });
const ids = (list: Recommendation[]) => list.map((r) => r.productId);

/** One chat turn of a member, as the pipeline would build it (fresh conversation state). */
async function turn(memberId: string, lang: 'zh-CN' | 'en'): Promise<TurnCtx> {
  const [member] = await t.store.db.select().from(members).where(eq(members.id, memberId));
  return { domain: ctx, state: new MemoryState(), member, lang, conversationId: 'test:recs', channelId: 'test' };
}

async function signedOrder(body: unknown) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = await hmacHex(TEST_ORDER_SECRET, `${ts}.${raw}`);
  return t.app.request('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` },
    body: raw,
  });
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  ctx = t.deps.domain;
  await seedCatalog(t.store);
  for (const id of ['alice', 'bob', 'newbie', 'gina', 'dave']) await addMember(t.store, clock, { id });
  // A population of 30 shoppers with habits of their own (two thirds drink cola, a third snack on
  // chips): Cola is the best seller, then Chips, then Nuts.
  for (let i = 1; i <= 30; i++) {
    const m = `f${i}`;
    const staple = i % 3 === 0 ? 'CHIPS' : 'COLA';
    await addMember(t.store, clock, { id: m });
    await buy(ctx, m, day(1 + (i % 10)), [staple]);
    await buy(ctx, m, day(2 + (i % 10)), [staple]);
    await buy(ctx, m, day(3 + (i % 10)), i % 2 ? ['NUTS'] : [staple]);
    await buy(ctx, m, day(4 + (i % 10)), i % 5 === 0 ? ['MILK'] : i % 2 ? ['SOLD_OUT'] : ['CHIPS']);
  }
  // Bread and jam go together; a gold member bought the wine.
  for (let i = 1; i <= 8; i++) await buy(ctx, `f${i}`, day(12 + i), ['BREAD', 'JAM']);
  await buy(ctx, 'f9', day(20), ['WINE']);
  // Alice's staple is milk; she also keeps buying the candy that is now sold out.
  for (const d of [2, 9, 16, 23]) await buy(ctx, 'alice', day(d), ['MILK']);
  for (const d of [3, 10, 17]) await buy(ctx, 'alice', day(d), ['SOLD_OUT']);
  await buy(ctx, 'alice', day(24), ['BREAD']);
  // Bob bought bread once.
  await buy(ctx, 'bob', day(28), ['BREAD']);
  await t.store.write((tx) => tx.update(members).set({ tierCode: 'gold' }).where(eq(members.id, 'gina')));
});
afterAll(() => t.close());

describe('recommendForMember', () => {
  it("puts a repeat buyer's staple first, with a repeat reason that counts her orders", async () => {
    const list = await recs('alice');
    expect(list[0]).toMatchObject({ productId: 'MILK', name: 'Milk', nameZh: '牛奶', priceCents: 500, category: 'Dairy' });
    expect(list[0].reason).toMatchObject({ kind: 'repeat', productId: 'MILK', timesBought: 4 });
    // Sorted best first.
    for (let i = 1; i < list.length; i++) expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score);
  });

  it('gives a member without history the popular products, best seller first', async () => {
    const list = await recs('newbie', { k: 3 });
    expect(ids(list)).toEqual(['COLA', 'CHIPS', 'NUTS']);
    expect(list.every((r) => r.reason.kind === 'popular')).toBe(true);
    expect(list[0].reason.category).toBe('Drinks');
  });

  it("names a category by the catalog's Chinese label in zh-CN, and by its own name without one", async () => {
    await t.store.write((tx) => tx.update(products).set({ categoryZh: '饮料' }).where(eq(products.category, 'Drinks')));
    try {
      const [cola] = await recs('newbie', { k: 1 });
      expect(cola.reason).toMatchObject({ kind: 'popular', category: 'Drinks', categoryZh: '饮料' });
      expect(describeReason('zh-CN', cola.reason)).toBe('饮料类热销');
      expect(describeReason('en', cola.reason)).toBe('popular in Drinks');
      const chips = (await recs('newbie', { k: 2 }))[1];
      expect(describeReason('zh-CN', chips.reason)).toBe('Snacks类热销');
    } finally {
      await t.store.write((tx) => tx.update(products).set({ categoryZh: null }));
    }
  });

  it('never recommends what is out of stock, even to the member who buys it most', async () => {
    const list = await recs('alice', { k: 50 });
    expect(ids(list)).not.toContain('SOLD_OUT');
    expect(ids(await recs('newbie', { k: 50 }))).not.toContain('SOLD_OUT');
  });

  it('keeps tier-restricted products to the tiers allowed to buy them', async () => {
    expect(ids(await recs('newbie', { k: 50 }))).not.toContain('WINE');
    expect(ids(await recs('gina', { k: 50 }))).toContain('WINE');
  });

  it('holds a price band and a category filter', async () => {
    const cheap = await recs('alice', { k: 50, maxPriceCents: 600 });
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.every((r) => r.priceCents <= 600)).toBe(true);
    const dear = await recs('alice', { k: 50, minPriceCents: 1_000 });
    expect(dear.length).toBeGreaterThan(0);
    expect(dear.every((r) => r.priceCents >= 1_000)).toBe(true);
    const snacks = await recs('bob', { k: 50, category: 'snacks' });
    expect(ids(snacks).sort()).toEqual(['CHIPS', 'NUTS']);
    await expect(recs('alice', { minPriceCents: 900, maxPriceCents: 100 })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it("explains a co-purchase with the member's own product, and every reason matches the store", async () => {
    const list = await recs('bob', { k: 10 });
    const jam = list.find((r) => r.productId === 'JAM');
    expect(jam?.reason).toMatchObject({ kind: 'co_purchase', productId: 'BREAD', productName: 'Bread', productNameZh: '面包' });
    for (const member of ['alice', 'bob', 'newbie']) {
      for (const r of await recs(member, { k: 10 })) {
        const own = await t.store.db.all<{ orders: number }>(
          sql`select count(distinct o.id) as orders from orders o join order_lines l on l.order_id = o.id
              where o.member_id = ${member} and l.product_id = ${r.reason.productId ?? r.productId} and o.status = 'paid'`,
        );
        if (r.reason.kind === 'repeat') expect(Number(own[0].orders)).toBe(r.reason.timesBought);
        if (r.reason.kind === 'co_purchase') {
          expect(Number(own[0].orders)).toBeGreaterThan(0);
          const together = await t.store.db.all<{ n: number }>(
            sql`select count(*) as n from order_lines a join order_lines b on a.order_id = b.order_id
                where a.product_id = ${r.reason.productId} and b.product_id = ${r.productId}`,
          );
          expect(Number(together[0].n)).toBeGreaterThan(0);
        }
        if (r.reason.kind === 'category' || r.reason.kind === 'popular') expect(r.reason.category).toBe(r.category);
        if (r.reason.kind === 'category') {
          const inCat = await t.store.db.all<{ n: number }>(
            sql`select count(*) as n from orders o join order_lines l on l.order_id = o.id join products p on p.id = l.product_id
                where o.member_id = ${member} and p.category = ${r.category}`,
          );
          expect(Number(inCat[0].n)).toBeGreaterThan(0);
        }
      }
    }
  });

  it('says what a coupon the points buy takes off each product: the most the balance affords whose minimum the price meets', async () => {
    // Points pay for nothing directly: they buy coupons (see the program rules), so that is what a member is told.
    await t.store.write((tx) =>
      tx.insert(coupons).values([
        { id: 'R5', nameZh: '5 元无门槛券', nameEn: '¥5 off', valueCents: 500, pointsCost: 500 },
        { id: 'R8', nameZh: '满 20 减 8 元券', nameEn: '¥8 off ¥20', valueCents: 800, minSpendCents: 2_000, pointsCost: 600 },
        { id: 'R50', nameZh: '满 150 减 50 元券', nameEn: '¥50 off ¥150', valueCents: 5_000, minSpendCents: 15_000, pointsCost: 5_000 },
        { id: 'OLD', nameZh: '停用券', nameEn: 'Retired', valueCents: 9_000, pointsCost: 100, active: false },
      ]),
    );
    try {
      await t.store.write((tx) => tx.update(members).set({ pointsBalance: 700 }).where(eq(members.id, 'newbie')));
      const off = async () => new Map((await recs('newbie', { k: 50 })).map((r) => [r.productId, r.pointsOff]));
      const at700 = await off();
      // Nuts (¥25) meet the ¥20 minimum; milk (¥5) gets the ¥5 coupon; cola (¥3) at most its own price.
      expect(at700.get('NUTS')).toEqual({
        couponId: 'R8',
        nameZh: '满 20 减 8 元券',
        nameEn: '¥8 off ¥20',
        offCents: 800,
        pointsCost: 600,
      });
      expect(at700.get('MILK')).toMatchObject({ couponId: 'R5', offCents: 500 });
      expect(at700.get('COLA')).toMatchObject({ couponId: 'R5', offCents: 300 });
      await t.store.write((tx) => tx.update(members).set({ pointsBalance: 400 }).where(eq(members.id, 'newbie')));
      expect([...(await off()).values()].every((p) => p === null)).toBe(true);
      // The chat line says it in the member's words.
      await t.store.write((tx) => tx.update(members).set({ pointsBalance: 700 }).where(eq(members.id, 'newbie')));
      const { replies } = await new OfflineBrain().respond(await turn('newbie', 'en'), 'any snacks under 30 yuan?');
      expect(replies[0].text).toContain('Mixed nuts, ¥25 (¥8 off with a 600-point coupon)');
    } finally {
      await t.store.write((tx) => tx.delete(coupons).where(inArray(coupons.id, ['R5', 'R8', 'R50', 'OLD'])));
    }
  });

  it('renders the top recommendations as one line for broadcasts and the loyalty card', async () => {
    expect(await recommendationText({ ctx, input: { memberId: 'alice', lang: 'zh-CN' } })).toBe('牛奶 ¥5（您常买牛奶）');
    const two = await recommendationText({ ctx, input: { memberId: 'alice', lang: 'en', k: 2 } });
    expect(two?.startsWith('Milk ¥5 (you often buy Milk); ')).toBe(true);
  });

  it('fills {{recommendation}} and {{recommendation_url}} in a broadcast from one recommendation, the link only when configured', async () => {
    const [alice] = await t.store.db.select().from(members).where(eq(members.id, 'alice'));
    const campaign = {
      variants: [{ key: 'A', split: 100, templates: { en: 'Try {{recommendation}}: {{recommendation_url}}' } }],
    } as unknown as Campaign;
    const linked = await renderForMember(
      { ...ctx, shop: { productUrlTemplate: 'https://shop.test/p/{id}?utm_source=broadcast' } },
      campaign,
      'A',
      {
        ...alice,
        locale: 'en',
      },
    );
    expect(linked.text.startsWith('Try Milk ¥5 (you often buy Milk): https://shop.test/p/MILK?utm_source=broadcast')).toBe(true);
    expect(linked.missing).toEqual([]);
    const plain = await renderForMember(ctx, campaign, 'A', { ...alice, locale: 'en' });
    expect(plain.missing).toEqual(['recommendation_url']);
  });

  it("shows the same suggestions on the agent's loyalty card, with the reason in words", async () => {
    const card = await getAgentMemberCard({ ctx, input: { memberId: 'alice' } });
    const top = await recs('alice', { k: 3 });
    expect(card.recommendations.map((r) => r.productId)).toEqual(ids(top));
    expect(card.recommendations[0]).toMatchObject({ productId: 'MILK', priceCents: 500, reason: 'you often buy Milk', url: null });
    const linked = await getAgentMemberCard({
      ctx: { ...ctx, shop: { productUrlTemplate: 'https://shop.test/p/{id}' } },
      input: { memberId: 'alice' },
    });
    expect(linked.recommendations[0].url).toBe('https://shop.test/p/MILK');
  });

  it('rejects a bad k and an unknown member', async () => {
    await expect(recs('alice', { k: 0 })).rejects.toBeInstanceOf(DomainError);
    await expect(recs('nobody')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('statistics follow the orders', () => {
  it('an order import updates the next recommendation', async () => {
    expect(ids(await recs('bob'))).not.toContain('BUTTER');
    const report = await importOrders({
      ctx,
      input: {
        orders: [
          'member_id,order_id,ordered_at,product_id,quantity,amount',
          'bob,IMP-1,2026-05-29T09:00:00Z,BUTTER,1,12.00',
          'bob,IMP-2,2026-05-30T09:00:00Z,BUTTER,2,24.00',
          'bob,IMP-2,2026-05-30T09:00:00Z,CHIPS,1,6.00',
          'carol,IMP-3,2026-05-30T10:00:00Z,NUTS,1,25.00',
        ],
      },
    });
    expect(report.orders.created).toBe(3);
    const bob = ids(await recs('bob'));
    expect(bob).toContain('BUTTER');
    // Bought twice now, butter outranks the bread he bought once.
    expect(bob.indexOf('BUTTER')).toBeLessThan(bob.indexOf('BREAD'));
    expect((await recs('bob')).find((r) => r.productId === 'BUTTER')?.reason).toMatchObject({ kind: 'repeat', timesBought: 2 });
    // A member the import created gets their purchase back.
    const carol = await recs('carol');
    expect(carol.find((r) => r.productId === 'NUTS')?.reason).toMatchObject({ kind: 'repeat', timesBought: 1 });
  });

  it('a paid webhook event updates it, and a refund takes the purchase back out', async () => {
    const order = (status: string) => ({
      orderId: 'W-DAVE-1',
      memberId: 'dave',
      status,
      orderedAt: '2026-05-31T10:00:00Z',
      lines: [
        { productId: 'JAM', quantity: 1, amount: '15.00' },
        { productId: 'WINE', quantity: 1, amount: '200.00' },
      ],
    });
    const before = await t.store.db.all<{ orders: number }>(
      sql`select orders from rec_product_pairs where product_id = 'JAM' and other_id = 'WINE'`,
    );
    expect(before).toEqual([]);
    expect((await signedOrder(order('paid'))).status).toBe(200);
    const paid = await recs('dave', { k: 10 });
    expect(paid.find((r) => r.productId === 'JAM')?.reason).toMatchObject({ kind: 'repeat', timesBought: 1 });
    // Jam is bought with bread, so bread comes with it.
    expect(paid.find((r) => r.productId === 'BREAD')?.reason).toMatchObject({ kind: 'co_purchase', productId: 'JAM' });
    // Replays change nothing; shipping does not count the order twice.
    await signedOrder(order('paid'));
    await signedOrder(order('shipped'));
    const [pair] = await t.store.db.all<{ orders: number }>(
      sql`select orders from rec_product_pairs where product_id = 'JAM' and other_id = 'WINE'`,
    );
    expect(Number(pair.orders)).toBe(1);

    expect((await signedOrder(order('refunded'))).status).toBe(200);
    const after = await recs('dave', { k: 50 });
    expect(after.some((r) => r.reason.kind === 'repeat' || r.reason.kind === 'co_purchase')).toBe(false);
    expect(await t.store.db.all(sql`select * from rec_member_products where member_id = 'dave'`)).toEqual([]);
    expect(await t.store.db.all(sql`select * from rec_product_pairs where product_id = 'JAM' and other_id = 'WINE'`)).toEqual([]);
    // A late duplicate of the refund does not subtract again.
    const [jamBefore] = await t.store.db.all<{ orders: number }>(sql`select orders from rec_product_stats where product_id = 'JAM'`);
    await signedOrder(order('refunded'));
    const [jamAfter] = await t.store.db.all<{ orders: number }>(sql`select orders from rec_product_stats where product_id = 'JAM'`);
    expect(jamAfter.orders).toBe(jamBefore.orders);
  });

  it('a pending order counts once it is paid, a cancelled one never', async () => {
    await addMember(t.store, clock, { id: 'erin' });
    await buy(ctx, 'erin', day(30), ['BUTTER'], { orderId: 'E1', status: 'pending' });
    await buy(ctx, 'erin', day(30), ['NUTS'], { orderId: 'E2', status: 'cancelled' });
    expect(await t.store.db.all(sql`select * from rec_member_products where member_id = 'erin'`)).toEqual([]);
    await buy(ctx, 'erin', day(30), ['BUTTER'], { orderId: 'E1', status: 'paid' });
    const list = await recs('erin', { k: 10 });
    expect(list.find((r) => r.productId === 'BUTTER')?.reason).toMatchObject({ kind: 'repeat', timesBought: 1 });
  });

  it('incremental upkeep equals a rebuild from the orders', async () => {
    const incremental = await statsSnapshot(t.store);
    expect(incremental.pairs.length).toBeGreaterThan(0);
    await rebuildRecommendationStats({ ctx, input: {} });
    const rebuilt = await statsSnapshot(t.store);
    const close = (a: unknown, b: unknown): boolean =>
      typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) : a === b;
    for (const key of Object.keys(incremental) as (keyof typeof incremental)[]) {
      expect(rebuilt[key].length, key).toBe(incremental[key].length);
      rebuilt[key].forEach((row, i) => {
        for (const [col, v] of Object.entries(row))
          expect(close(v, incremental[key][i][col]), `${key}.${col} ${JSON.stringify(row)}`).toBe(true);
      });
    }
  });
});

describe('backfill', () => {
  it('builds the statistics once for a store whose orders bypassed the order events, then does nothing', async () => {
    const store = await createTestStore();
    try {
      const c = domainCtx(store, clock);
      await seedCatalog(store);
      await addMember(store, clock, { id: 'old' });
      // Written the way the bulk seed writes them: straight into the tables.
      await store.write(async (tx) => {
        const at = new Date('2026-05-01T10:00:00Z');
        await tx
          .insert(orders)
          .values({ id: 'OLD-1', memberId: 'old', status: 'delivered', totalCents: 1_300, orderedAt: at, paidAt: at, updatedAt: at });
        await tx.insert(orderLines).values([
          { orderId: 'OLD-1', lineNo: 1, productId: 'MILK', quantity: 1, amountCents: 500 },
          { orderId: 'OLD-1', lineNo: 2, productId: 'BREAD', quantity: 1, amountCents: 800 },
        ]);
      });
      expect(await recommendForMember({ ctx: c, input: { memberId: 'old', k: 5 } })).toEqual([]);
      expect(await ensureRecommendationStats({ ctx: c, input: {} })).toMatchObject({ orders: 1, memberProducts: 2, pairs: 2 });
      expect(await ensureRecommendationStats({ ctx: c, input: {} })).toBeNull();
      const list = await recommendForMember({ ctx: c, input: { memberId: 'old', k: 5 } });
      expect(list.map((r) => r.productId).sort()).toEqual(['BREAD', 'MILK']);
    } finally {
      store.dispose();
    }
  });
});

describe('GET /api/admin/members/{id}/recommendations', () => {
  const get = (path: string, headers: Record<string, string> = admin) => t.app.request(path, { headers });

  it('returns the list with reasons in the requested language and store prices', async () => {
    const res = await get('/api/admin/members/alice/recommendations?k=3&lang=zh-CN');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { memberId: string; items: { productId: string; price: number; reasonText: string }[] };
    expect(body.memberId).toBe('alice');
    expect(body.items).toHaveLength(3);
    expect(body.items[0]).toMatchObject({ productId: 'MILK', price: 5, reasonText: '您常买牛奶' });
    for (const item of body.items) expect(item.price * 100).toBe(CATALOG.find((c) => c.id === item.productId)?.priceCents);
    const en = (await (await get('/api/admin/members/alice/recommendations?k=1')).json()) as { items: { reasonText: string }[] };
    expect(en.items[0].reasonText).toBe('you often buy Milk');
  });

  it('answers bad k, a bad price band and an unknown member with 4xx JSON errors', async () => {
    for (const q of ['k=0', 'k=51', 'k=abc', 'k=2.5', 'minPrice=-1', 'minPrice=50&maxPrice=10']) {
      const res = await get(`/api/admin/members/alice/recommendations?${q}`);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.code, q).toBe('bad_request');
      expect(body.error.requestId).toBeTruthy();
    }
    const missing = await get('/api/admin/members/nobody/recommendations?k=3');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await get('/api/admin/members/alice/recommendations', {})).status).toBe(401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
    };
    const op = doc.paths['/api/admin/members/{id}/recommendations']?.get;
    expect(op?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'k', 'minPrice', 'maxPrice', 'category']));
  });
});

describe('the assistant', () => {
  it('answers a request for suggestions with store prices and reasons in the member language', async () => {
    const reply = await new OfflineBrain().respond(await turn('alice', 'zh-CN'), '给我推荐几样好东西');
    expect(reply.intent).toBe('recommend_products');
    const text = reply.replies[0].text;
    expect(text).toContain('牛奶，¥5');
    expect(text).toContain('您常买牛奶');
    expect(text).not.toContain('售罄糖果');
  });

  it('keeps to a price band the member names', async () => {
    const reply = await new OfflineBrain().respond(await turn('alice', 'en'), 'any recommendations from your store for me under 5 yuan');
    expect(reply.intent).toBe('recommend_products');
    const prices = [...reply.replies[0].text.matchAll(/¥(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p <= 5)).toBe(true);
    const none = await new OfflineBrain().respond(await turn('alice', 'en'), 'any recommendations from your store for me under 1 yuan');
    expect(none.replies[0].text).toContain('wider price range');
  });
});

describe('one product as a member sees it', () => {
  it("says whether the member's tier may buy it, which tier it needs, stock and points, and has no page without a template", async () => {
    const wine = await getProductForMember({ ctx, input: { memberId: 'newbie', productId: 'WINE' } });
    expect(wine).toMatchObject({
      priceCents: 20_000,
      inStock: true,
      allowed: false,
      needsTier: { code: 'gold', nameEn: 'Gold' },
      pointsOff: null,
      url: null,
    });
    expect(await getProductForMember({ ctx, input: { memberId: 'gina', productId: 'WINE' } })).toMatchObject({
      allowed: true,
      needsTier: null,
    });
    expect(await getProductForMember({ ctx, input: { memberId: 'newbie', productId: 'SOLD_OUT' } })).toMatchObject({ inStock: false });
    expect(await getProductForMember({ ctx, input: { memberId: 'newbie', productId: 'NOPE' } })).toBeNull();
    expect(productUrl({ shop: { productUrlTemplate: 'https://shop.test/p/{id}' } }, 'A B/1')).toBe('https://shop.test/p/A%20B%2F1');
    // A template that is not an http(s) URL with {id} stops the start with the variable named.
    for (const bad of ['https://shop.test/p/', 'javascript:alert({id})', 'shop.test/{id}'])
      expect(() => parseEnv({ NODE_ENV: 'test', PRODUCT_URL_TEMPLATE: bad }), bad).toThrow(
        /PRODUCT_URL_TEMPLATE: an http\(s\) URL containing \{id\}/,
      );
    expect(parseEnv({ NODE_ENV: 'test', PRODUCT_URL_TEMPLATE: 'https://shop.test/p/{id}' }).PRODUCT_URL_TEMPLATE).toBe(
      'https://shop.test/p/{id}',
    );
  });
});
