// Demo seed on a real libSQL file: every tier and locale, the two Emulator identities, consistent ledgers, idempotence.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EN_MEMBER_ID, DEMO_ZH_MEMBER_ID, isSeeded, seedDemo } from '../../db/seed/demo.js';
import { getPointsSummary, reviewAllTiers } from '../../src/domain/loyalty/index.js';
import { findMemberByChannel } from '../../src/domain/members/index.js';
import { DomainError } from '../../src/lib/errors.js';
import { domainCtx, fixedClock } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

const NOW = '2026-06-01T08:00:00Z';
let store: TestStore;
let ctx: ReturnType<typeof domainCtx>;
let result: { members: number; orders: number };

async function rows<T>(db: TestStore, query: ReturnType<typeof sql>): Promise<T[]> {
  return db.db.all<T>(query);
}

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, fixedClock(NOW));
  result = await seedDemo(ctx);
});
afterAll(() => store?.dispose());

describe('demo seed', () => {
  it('creates ~200 members in both locales and in every tier, roughly 50/25/15/10', async () => {
    expect(result.members).toBe(200);
    expect(result.orders).toBeGreaterThan(200);
    const byLocale = await rows<{ locale: string; n: number }>(store, sql`select locale, count(*) as n from members group by locale`);
    expect(Object.fromEntries(byLocale.map((r) => [r.locale, Number(r.n)]))).toEqual({ 'zh-CN': 100, en: 100 });
    const byTier = Object.fromEntries(
      (await rows<{ tier: string; n: number }>(store, sql`select tier_code as tier, count(*) as n from members group by tier_code`)).map(
        (r) => [r.tier, Number(r.n)],
      ),
    );
    expect(byTier.regular).toBeGreaterThanOrEqual(80);
    expect(byTier.regular).toBeLessThanOrEqual(120);
    expect(byTier.silver).toBeGreaterThanOrEqual(35);
    expect(byTier.gold).toBeGreaterThanOrEqual(20);
    expect(byTier.diamond).toBeGreaterThanOrEqual(12);
  });

  it('has a bilingual catalog, point-priced and gift-only coupons, and the four tiers', async () => {
    const [p] = await rows<{ n: number; zh: number; zhCat: number; oos: number; tiered: number }>(
      store,
      sql`select count(*) as n, count(name_zh) as zh, count(category_zh) as zhCat, sum(stock = 0) as oos, count(min_tier_code) as tiered from products`,
    );
    expect(Number(p.n)).toBeGreaterThanOrEqual(75);
    expect(Number(p.zh)).toBe(Number(p.n));
    expect(Number(p.zhCat)).toBe(Number(p.n));
    expect(Number(p.oos)).toBeGreaterThan(0);
    expect(Number(p.tiered)).toBeGreaterThan(0);
    const [c] = await rows<{ priced: number; gift: number }>(
      store,
      sql`select count(points_cost) as priced, sum(points_cost is null) as gift from coupons`,
    );
    expect(Number(c.priced)).toBeGreaterThanOrEqual(3);
    expect(Number(c.gift)).toBeGreaterThanOrEqual(1);
    const t = await rows<{ code: string }>(store, sql`select code from tiers order by rank`);
    expect(t.map((r) => r.code)).toEqual(['regular', 'silver', 'gold', 'diamond']);
  });

  it('links the Emulator and web chat demo identities to a Gold zh-CN and a Silver en member', async () => {
    const zh = await findMemberByChannel({ ctx, input: { channelId: 'emulator', channelUserId: 'demo-zh' } });
    const en = await findMemberByChannel({ ctx, input: { channelId: 'emulator', channelUserId: 'demo-en' } });
    expect(zh).toMatchObject({ id: DEMO_ZH_MEMBER_ID, locale: 'zh-CN', tierCode: 'gold' });
    expect(en).toMatchObject({ id: DEMO_EN_MEMBER_ID, locale: 'en', tierCode: 'silver' });
    expect((await findMemberByChannel({ ctx, input: { channelId: 'webchat', channelUserId: DEMO_ZH_MEMBER_ID } }))?.id).toBe(
      DEMO_ZH_MEMBER_ID,
    );
    expect((await findMemberByChannel({ ctx, input: { channelId: 'webchat', channelUserId: DEMO_EN_MEMBER_ID } }))?.id).toBe(
      DEMO_EN_MEMBER_ID,
    );
    const zhPoints = await getPointsSummary({ ctx, input: { memberId: DEMO_ZH_MEMBER_ID } });
    expect(zhPoints.expiringSoon.points).toBeGreaterThan(0);
    expect((await getPointsSummary({ ctx, input: { memberId: DEMO_EN_MEMBER_ID } })).balance).toBeGreaterThan(0);
  });

  it('keeps the cached balance, the ledger and the lots equal for every member', async () => {
    const mismatched = await rows<{ id: string }>(
      store,
      sql`select m.id from members m
          where m.points_balance != coalesce((select sum(points) from points_ledger l where l.member_id = m.id), 0)
             or m.points_balance != coalesce((select sum(remaining) from point_lots p where p.member_id = m.id), 0)`,
    );
    expect(mismatched).toEqual([]);
    // Expiry ran: nothing past its date is still spendable.
    const [stale] = await rows<{ n: number }>(
      store,
      sql`select count(*) as n from point_lots where remaining > 0 and expires_at <= ${new Date(NOW).getTime()}`,
    );
    expect(Number(stale.n)).toBe(0);
    const kinds = Object.fromEntries(
      (await rows<{ kind: string; n: number }>(store, sql`select kind, count(*) as n from points_ledger group by kind`)).map((r) => [
        r.kind,
        Number(r.n),
      ]),
    );
    expect(kinds.earn).toBeGreaterThan(0);
    expect(kinds.expire).toBeGreaterThan(0);
    expect(kinds.redeem).toBeGreaterThan(0);
    expect(kinds.reverse).toBeGreaterThan(0);
  });

  it('leaves tiers exactly where a review as of now puts them', async () => {
    expect((await reviewAllTiers({ ctx, input: {} })).changed).toBe(0);
  });

  it('gives recent orders shipping states with carriers and tracking numbers, and has refunds and gifts', async () => {
    const statuses = Object.fromEntries(
      (await rows<{ status: string; n: number }>(store, sql`select status, count(*) as n from orders group by status`)).map((r) => [
        r.status,
        Number(r.n),
      ]),
    );
    expect(statuses.delivered).toBeGreaterThan(0);
    expect(statuses.shipped).toBeGreaterThan(0);
    expect(statuses.paid).toBeGreaterThan(0);
    expect(statuses.refunded).toBeGreaterThan(0);
    const [untracked] = await rows<{ n: number }>(
      store,
      sql`select count(*) as n from orders where status in ('shipped','delivered') and (carrier is null or tracking_no is null)`,
    );
    expect(Number(untracked.n)).toBe(0);
    const carriers = (
      await rows<{ carrier: string }>(store, sql`select distinct carrier from orders where carrier is not null order by carrier`)
    ).map((r) => r.carrier);
    expect(carriers).toEqual(expect.arrayContaining(['顺丰速运', 'SF Express', '京东物流', 'JD Logistics']));
    const [gifts] = await rows<{ n: number }>(store, sql`select count(*) as n from member_coupons where source = 'gift'`);
    expect(Number(gifts.n)).toBeGreaterThan(0);
  });

  it('refuses to seed a store twice and leaves it untouched', async () => {
    expect(await isSeeded(store)).toBe(true);
    const before = await rows<{ n: number }>(store, sql`select (select count(*) from members) + (select count(*) from orders) as n`);
    await expect(seedDemo(ctx)).rejects.toBeInstanceOf(DomainError);
    const after = await rows<{ n: number }>(store, sql`select (select count(*) from members) + (select count(*) from orders) as n`);
    expect(after).toEqual(before);
  });

  it('is deterministic: the same clock gives the same members and orders', async () => {
    const other = await createTestStore();
    try {
      await seedDemo(domainCtx(other, fixedClock(NOW)));
      const digest = (s: TestStore) =>
        rows<{ d: string }>(
          s,
          sql`select group_concat(x, '|') as d from (
                select id || name || tier_code || points_balance as x from members
                union all select id || member_id || status || total_cents || points_earned from orders order by 1)`,
        );
      expect(await digest(other)).toEqual(await digest(store));
    } finally {
      other.dispose();
    }
  });
});
