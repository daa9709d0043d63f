// Loyalty rules on a real libSQL file: earning, multipliers, FIFO expiry, tier moves, refunds, redemptions.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, pointLots, pointsLedger } from '../../db/schema/index.js';
import { expirePoints, getPointsSummary, getTierStatus, redeemCoupon, reviewAllTiers } from '../../src/domain/loyalty/index.js';
import { DomainError } from '../../src/lib/errors.js';
import { addMember, domainCtx, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
const clock = fixedClock('2026-06-01T00:00:00Z');
let ctx: ReturnType<typeof domainCtx>;

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, clock);
  await seedProgram(store);
});
afterAll(() => store.dispose());

/** The three views of a balance must always agree. */
async function balances(memberId: string) {
  const [ledger] = await store.db
    .select({ s: sql<number>`coalesce(sum(points),0)` })
    .from(pointsLedger)
    .where(eq(pointsLedger.memberId, memberId));
  const [lots] = await store.db
    .select({ s: sql<number>`coalesce(sum(remaining),0)` })
    .from(pointLots)
    .where(eq(pointLots.memberId, memberId));
  const [m] = await store.db.select({ b: members.pointsBalance, tier: members.tierCode }).from(members).where(eq(members.id, memberId));
  expect(Number(ledger.s)).toBe(m.b);
  expect(Number(lots.s)).toBe(m.b);
  return { cached: m.b, tier: m.tier };
}

describe('earning', () => {
  it('earns 1 point per whole yuan, rounded down, on a paid order', async () => {
    clock.set('2026-06-01T00:00:00Z');
    await addMember(store, clock, { id: 'earn-1' });
    const r = await paidOrder(ctx, 'earn-1', 'E1', '123.45', '2026-05-31T10:00:00Z');
    expect(r.pointsEarned).toBe(123);
    expect((await getPointsSummary({ ctx, input: { memberId: 'earn-1' } })).balance).toBe(123);
    expect((await balances('earn-1')).cached).toBe(123);
  });

  it('a replayed order event changes nothing', async () => {
    const again = await paidOrder(ctx, 'earn-1', 'E1', '123.45', '2026-05-31T10:00:00Z');
    expect(again.outcome).toBe('unchanged');
    expect((await getPointsSummary({ ctx, input: { memberId: 'earn-1' } })).balance).toBe(123);
  });

  it('applies the tier multiplier of the tier held at payment', async () => {
    await addMember(store, clock, { id: 'mult-1' });
    const first = await paidOrder(ctx, 'mult-1', 'M1', '2000', '2026-05-01T00:00:00Z');
    expect(first.pointsEarned).toBe(2000);
    expect(first.tier).toEqual({ from: 'regular', to: 'silver' });
    const second = await paidOrder(ctx, 'mult-1', 'M2', '100', '2026-05-02T00:00:00Z');
    expect(second.pointsEarned).toBe(120);
    const third = await paidOrder(ctx, 'mult-1', 'M3', '3000', '2026-05-03T00:00:00Z');
    expect(third.pointsEarned).toBe(3600);
    expect(third.tier.to).toBe('gold');
    const fourth = await paidOrder(ctx, 'mult-1', 'M4', '10.99', '2026-05-04T00:00:00Z');
    expect(fourth.pointsEarned).toBe(16); // 1099 cents x 1.5 = 16.485 points
    expect((await balances('mult-1')).cached).toBe(2000 + 120 + 3600 + 16);
  });
});

describe('expiry', () => {
  it('spends and expires points oldest first, 12 months after they were earned', async () => {
    clock.set('2025-01-10T00:00:00Z');
    await addMember(store, clock, { id: 'fifo-1' });
    await paidOrder(ctx, 'fifo-1', 'F1', '400', '2025-01-10T00:00:00Z');
    clock.set('2025-02-10T00:00:00Z');
    await paidOrder(ctx, 'fifo-1', 'F2', '300', '2025-02-10T00:00:00Z');
    clock.set('2025-03-10T00:00:00Z');
    await redeemCoupon({ ctx, input: { memberId: 'fifo-1', couponId: 'C5', idempotencyKey: 'fifo-r1' } });
    // 500 spent: all 400 of January's lot, then 100 of February's.
    expect((await getPointsSummary({ ctx, input: { memberId: 'fifo-1' } })).balance).toBe(200);

    clock.set('2026-01-11T00:00:00Z');
    let s = await getPointsSummary({ ctx, input: { memberId: 'fifo-1' } });
    expect(s.balance).toBe(200);
    expect(s.expiringSoon.points).toBe(200);
    expect(s.nextExpiry?.at.toISOString()).toBe('2026-02-10T00:00:00.000Z');

    clock.set('2026-01-12T00:00:00Z');
    let r = await expirePoints({ ctx, input: {} });
    const mine = await store.db.select().from(pointsLedger).where(eq(pointsLedger.memberId, 'fifo-1'));
    expect(mine.filter((e) => e.kind === 'expire')).toHaveLength(0);

    clock.set('2026-02-10T00:00:01Z');
    // Expired the moment its date passed, before any job ran.
    expect((await getPointsSummary({ ctx, input: { memberId: 'fifo-1' } })).balance).toBe(0);
    r = await expirePoints({ ctx, input: {} });
    expect(r.points).toBeGreaterThanOrEqual(200);
    const entries = await store.db.select().from(pointsLedger).where(eq(pointsLedger.memberId, 'fifo-1'));
    expect(entries.filter((e) => e.kind === 'expire').map((e) => e.points)).toEqual([-200]);
    expect((await balances('fifo-1')).cached).toBe(0);
    // Running the job again expires nothing twice.
    await expirePoints({ ctx, input: {} });
    expect((await balances('fifo-1')).cached).toBe(0);
    s = await getPointsSummary({ ctx, input: { memberId: 'fifo-1' } });
    expect(s.nextExpiry).toBeNull();
  });
});

describe('tiers', () => {
  it('moves up on spend and down when spend leaves the rolling 12 months', async () => {
    clock.set('2025-03-01T00:00:00Z');
    await addMember(store, clock, { id: 'tier-1' });
    const r = await paidOrder(ctx, 'tier-1', 'T1', '5000', '2025-03-01T00:00:00Z');
    expect(r.tier.to).toBe('gold');
    clock.set('2025-12-01T00:00:00Z');
    let status = await getTierStatus({ ctx, input: { memberId: 'tier-1' } });
    expect(status.tier.code).toBe('gold');
    expect(status.nextTier?.tier.code).toBe('diamond');
    expect(status.nextTier?.spendNeededCents).toBe(500_000);
    // ¥5,000 paid on 2025-03-01 no longer counts on 2026-02-29 (today + 90 days): all of it is needed again.
    expect(status.keep?.spendNeededCents).toBe(500_000);

    clock.set('2026-03-02T00:00:00Z');
    await reviewAllTiers({ ctx, input: {} });
    status = await getTierStatus({ ctx, input: { memberId: 'tier-1' } });
    expect(status.tier.code).toBe('regular');
    expect(status.rollingSpendCents).toBe(0);
    expect(status.keep).toBeNull();
  });

  it('keep-tier counts only spend still inside the window at the horizon', async () => {
    clock.set('2026-06-01T00:00:00Z');
    await addMember(store, clock, { id: 'keep-1' });
    await paidOrder(ctx, 'keep-1', 'K1', '1500', '2025-08-01T00:00:00Z'); // drops out before 2026-08-30
    await paidOrder(ctx, 'keep-1', 'K2', '800', '2026-05-01T00:00:00Z');
    const s = await getTierStatus({ ctx, input: { memberId: 'keep-1' } });
    expect(s.tier.code).toBe('silver');
    expect(s.rollingSpendCents).toBe(230_000);
    expect(s.keep?.spendNeededCents).toBe(120_000); // 2,000 - 800
    expect(s.nextTier?.spendNeededCents).toBe(270_000); // 5,000 - 2,300
  });
});

describe('refunds', () => {
  it('reverses the points of a refunded order and reviews the tier', async () => {
    clock.set('2026-06-01T00:00:00Z');
    await addMember(store, clock, { id: 'ref-1' });
    await paidOrder(ctx, 'ref-1', 'R1', '2000', '2026-05-01T00:00:00Z');
    expect((await balances('ref-1')).tier).toBe('silver');
    const r = await paidOrder(ctx, 'ref-1', 'R1', '2000', '2026-05-01T00:00:00Z', 'refunded');
    expect(r.pointsReversed).toBe(2000);
    expect(r.tier).toEqual({ from: 'silver', to: 'regular' });
    expect(await balances('ref-1')).toEqual({ cached: 0, tier: 'regular' });
    const again = await paidOrder(ctx, 'ref-1', 'R1', '2000', '2026-05-01T00:00:00Z', 'refunded');
    expect(again.outcome).toBe('unchanged');
    expect((await balances('ref-1')).cached).toBe(0);
  });

  it('never takes the balance below zero when the points were already spent', async () => {
    await addMember(store, clock, { id: 'ref-2' });
    await paidOrder(ctx, 'ref-2', 'R2', '600', '2026-05-01T00:00:00Z');
    await redeemCoupon({ ctx, input: { memberId: 'ref-2', couponId: 'C5', idempotencyKey: 'ref-2-r' } });
    const r = await paidOrder(ctx, 'ref-2', 'R2', '600', '2026-05-01T00:00:00Z', 'refunded');
    expect(r.pointsReversed).toBe(100);
    const [entry] = await store.db.select().from(pointsLedger).where(eq(pointsLedger.idempotencyKey, 'reverse:order:R2'));
    expect(entry.note).toContain('shortfall 500');
    expect((await balances('ref-2')).cached).toBe(0);
  });
});

describe('redemption', () => {
  it('is idempotent: the same key returns the same coupon and deducts once', async () => {
    await addMember(store, clock, { id: 'idem-1' });
    await paidOrder(ctx, 'idem-1', 'I1', '1200', '2026-05-01T00:00:00Z');
    const a = await redeemCoupon({ ctx, input: { memberId: 'idem-1', couponId: 'C5', idempotencyKey: 'k1' } });
    const b = await redeemCoupon({ ctx, input: { memberId: 'idem-1', couponId: 'C5', idempotencyKey: 'k1' } });
    expect(b.memberCouponId).toBe(a.memberCouponId);
    expect(a.replayed).toBe(false);
    expect(b.replayed).toBe(true);
    expect((await balances('idem-1')).cached).toBe(700);
  });

  it('refuses to go below zero', async () => {
    await addMember(store, clock, { id: 'poor-1' });
    await paidOrder(ctx, 'poor-1', 'PO1', '499', '2026-05-01T00:00:00Z');
    await expect(redeemCoupon({ ctx, input: { memberId: 'poor-1', couponId: 'C5', idempotencyKey: 'p1' } })).rejects.toMatchObject({
      code: 'insufficient_points',
    });
    expect((await balances('poor-1')).cached).toBe(499);
  });

  it('200 concurrent redemptions against a balance for 10: exactly 10 succeed', async () => {
    await addMember(store, clock, { id: 'race-1' });
    await paidOrder(ctx, 'race-1', 'RA1', '5000', '2026-05-01T00:00:00Z'); // 5,000 points = 10 x C5
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        redeemCoupon({ ctx, input: { memberId: 'race-1', couponId: 'C5', idempotencyKey: `race-${i}` } }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(failed.every((f) => f.reason instanceof DomainError && f.reason.code === 'insufficient_points')).toBe(true);
    expect((await balances('race-1')).cached).toBe(0);
  });
});
