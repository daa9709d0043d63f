// Reads written as fixed SQL on the chat path return exactly what the same query built with drizzle returns.
import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coupons, memberCoupons, tiers } from '../../db/schema/index.js';
import type { DomainCtx } from '../../src/domain/context.js';
import { listMemberCoupons, listRedeemableCoupons, listTiers } from '../../src/domain/loyalty/index.js';
import { addMember, domainCtx, fixedClock, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let store: TestStore;
let ctx: DomainCtx;
const day = 86_400_000;

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, clock);
  await seedProgram(store);
  await addMember(store, clock, { id: 'f-1' });
  await addMember(store, clock, { id: 'f-2' });
  const now = clock().getTime();
  await store.write(async (tx) => {
    // Not for points, and switched off: neither is redeemable.
    await tx.insert(coupons).values([
      { id: 'CG', nameZh: '礼品券', nameEn: 'Gift', valueCents: 800, validDays: 7 },
      { id: 'COFF', nameZh: '停用券', nameEn: 'Off', valueCents: 300, pointsCost: 100, validDays: 7, active: false },
    ]);
    const held = (id: string, memberId: string, couponId: string, status: 'available' | 'used' | 'expired', expiresIn: number) => ({
      id,
      memberId,
      couponId,
      status,
      source: 'redeem' as const,
      idempotencyKey: `k-${id}`,
      issuedAt: new Date(now - day),
      expiresAt: new Date(now + expiresIn * day),
      usedAt: status === 'used' ? new Date(now) : null,
    });
    await tx
      .insert(memberCoupons)
      .values([
        held('h1', 'f-1', 'C12', 'available', 20),
        held('h2', 'f-1', 'C5', 'available', 3),
        held('h3', 'f-1', 'CG', 'available', 9),
        held('h4', 'f-1', 'C5', 'used', 5),
        held('h5', 'f-1', 'C5', 'available', -1),
        held('h6', 'f-2', 'C5', 'available', 4),
      ]);
  });
});
afterAll(() => store.close());

describe('fixed SQL on the chat path', () => {
  it('listTiers equals the drizzle query, lowest first, benefits decoded', async () => {
    const built = await store.db.select().from(tiers).orderBy(asc(tiers.rank));
    const got = await listTiers(store.db);
    expect(got).toEqual(built);
    expect(got.map((t) => t.code)).toEqual(['regular', 'silver', 'gold', 'diamond']);
  });

  it('listRedeemableCoupons equals the drizzle query: active, for points, cheapest first', async () => {
    const built = await store.db
      .select()
      .from(coupons)
      .where(and(eq(coupons.active, true), isNotNull(coupons.pointsCost)))
      .orderBy(asc(coupons.pointsCost));
    const got = await listRedeemableCoupons({ ctx, input: {} });
    expect(got).toEqual(built);
    expect(got.map((c) => c.id)).toEqual(['C5', 'C12']);
    expect(typeof got[0].active).toBe('boolean');
  });

  it("listMemberCoupons equals the drizzle join: the member's usable coupons, soonest expiry first", async () => {
    const built = (
      await store.db
        .select({ held: memberCoupons, coupon: coupons })
        .from(memberCoupons)
        .innerJoin(coupons, eq(coupons.id, memberCoupons.couponId))
        .where(and(eq(memberCoupons.memberId, 'f-1'), eq(memberCoupons.status, 'available'), gt(memberCoupons.expiresAt, clock())))
        .orderBy(asc(memberCoupons.expiresAt))
    ).map((r) => ({ id: r.held.id, coupon: r.coupon, expiresAt: r.held.expiresAt, issuedAt: r.held.issuedAt }));
    const got = await listMemberCoupons({ ctx, input: { memberId: 'f-1' } });
    expect(got).toEqual(built);
    expect(got.map((h) => h.id)).toEqual(['h2', 'h3', 'h1']);
    expect(got[0].expiresAt).toBeInstanceOf(Date);
    expect(got[0].coupon.nameEn).toBe('¥5 off, no minimum');
  });
});
