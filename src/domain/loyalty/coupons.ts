// Coupons: what the member holds, and what the program sells for points.
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { coupons, memberCoupons, type Coupon } from '../../../db/schema/index.js';
import { runPrepared } from '../../db/prepared.js';
import type { Verb } from '../context.js';

export interface HeldCoupon {
  id: string;
  coupon: Coupon;
  expiresAt: Date;
  issuedAt: Date;
}

/** Coupons the member can use now, soonest expiry first. */
export const listMemberCoupons: Verb<{ memberId: string }, HeldCoupon[]> = async ({ ctx, input }) => {
  const rows = await runPrepared(
    ctx.store.db,
    'listMemberCoupons',
    (db) =>
      db
        .select({ held: memberCoupons, coupon: coupons })
        .from(memberCoupons)
        .innerJoin(coupons, eq(coupons.id, memberCoupons.couponId))
        .where(
          and(
            eq(memberCoupons.memberId, sql.placeholder('memberId')),
            eq(memberCoupons.status, 'available'),
            gt(memberCoupons.expiresAt, sql.placeholder('now')),
          ),
        )
        .orderBy(asc(memberCoupons.expiresAt))
        .prepare(),
    { memberId: input.memberId, now: ctx.clock().getTime() },
  );
  return rows.map((r) => ({ id: r.held.id, coupon: r.coupon, expiresAt: r.held.expiresAt, issuedAt: r.held.issuedAt }));
};

/** Active coupons that can be bought with points, cheapest first. */
export const listRedeemableCoupons: Verb<Record<string, never>, Coupon[]> = async ({ ctx }) =>
  runPrepared(
    ctx.store.db,
    'listRedeemableCoupons',
    (db) =>
      db
        .select()
        .from(coupons)
        .where(and(eq(coupons.active, true), isNotNull(coupons.pointsCost)))
        .orderBy(asc(coupons.pointsCost))
        .prepare(),
    {},
  );
