// Coupons: what the member holds, and what the program sells for points.
import { coupons, memberCoupons, type Coupon } from '../../../db/schema/index.js';
import { executeSql, wholeRows } from '../../db/prepared.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';

export interface HeldCoupon {
  id: string;
  coupon: Coupon;
  expiresAt: Date;
  issuedAt: Date;
}

const HELD = wholeRows(memberCoupons);
const COUPON = wholeRows(coupons);
const MEMBER_COUPONS = `select ${HELD.select}, ${COUPON.select}
  from "member_coupons" join "coupons" on "coupons"."id" = "member_coupons"."coupon_id"
  where "member_coupons"."member_id" = ? and "member_coupons"."status" = 'available' and "member_coupons"."expires_at" > ?
  order by "member_coupons"."expires_at" asc`;
const EXPIRED = `select ${HELD.select}, ${COUPON.select}
  from "member_coupons" join "coupons" on "coupons"."id" = "member_coupons"."coupon_id"
  where "member_coupons"."member_id" = ?1 and "member_coupons"."status" in ('available', 'expired')
    and "member_coupons"."expires_at" <= ?2 and "member_coupons"."expires_at" > ?3
  order by "member_coupons"."expires_at" desc limit 5`;
const REDEEMABLE = `select ${COUPON.select} from "coupons"
  where "coupons"."active" = 1 and "coupons"."points_cost" is not null order by "coupons"."points_cost" asc`;

/** Coupons the member can use now, soonest expiry first. A coupon question asks this every time: fixed SQL. */
export const listMemberCoupons: Verb<{ memberId: string }, HeldCoupon[]> = async ({ ctx, input }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: MEMBER_COUPONS, args: [input.memberId, ctx.clock().getTime()] });
  return rows.map((r) => {
    const held = HELD.decode(r);
    return { id: held.id, coupon: COUPON.decode(r, HELD.width), expiresAt: held.expiresAt, issuedAt: held.issuedAt };
  });
};

/** How far back "expired lately" looks, in days. */
export const EXPIRED_COUPON_DAYS = 30;

/**
 * Coupons of the member that expired unused in the last `days` (default EXPIRED_COUPON_DAYS), latest first, at most five: what a
 * member who says "my coupon is gone" is looking for.
 */
export const listExpiredCoupons: Verb<{ memberId: string; days?: number }, HeldCoupon[]> = async ({ ctx, input }) => {
  const now = ctx.clock().getTime();
  const since = now - (input.days ?? EXPIRED_COUPON_DAYS) * DAY_MS;
  const { rows } = await executeSql(ctx.store.db, { sql: EXPIRED, args: [input.memberId, now, since] });
  return rows.map((r) => {
    const held = HELD.decode(r);
    return { id: held.id, coupon: COUPON.decode(r, HELD.width), expiresAt: held.expiresAt, issuedAt: held.issuedAt };
  });
};

/** A coupon the member's points can buy, and what it takes off one product. */
export interface PointsOff {
  couponId: string;
  nameZh: string;
  nameEn: string;
  /** Money off, never more than the price itself. */
  offCents: number;
  pointsCost: number;
}

/**
 * What the member's points can take off one product: points are not money and pay for nothing directly, they buy
 * coupons. So this is the coupon worth most off that price (its minimum spend met by the price alone) among those the
 * balance can buy, the cheaper in points on a tie; null when none fits.
 */
export function bestPointsCoupon(redeemable: readonly Coupon[], balance: number, priceCents: number): PointsOff | null {
  let best: (Coupon & { pointsCost: number }) | undefined;
  for (const c of redeemable) {
    if (c.pointsCost === null || c.pointsCost > balance || c.minSpendCents > priceCents) continue;
    if (!best || c.valueCents > best.valueCents || (c.valueCents === best.valueCents && c.pointsCost < best.pointsCost)) {
      best = { ...c, pointsCost: c.pointsCost };
    }
  }
  if (!best) return null;
  return {
    couponId: best.id,
    nameZh: best.nameZh,
    nameEn: best.nameEn,
    offCents: Math.min(best.valueCents, priceCents),
    pointsCost: best.pointsCost,
  };
}

/** Active coupons that can be bought with points, cheapest first (fixed SQL, as above). */
export const listRedeemableCoupons: Verb<Record<string, never>, Coupon[]> = async ({ ctx }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: REDEEMABLE });
  return rows.map((r) => COUPON.decode(r));
};
