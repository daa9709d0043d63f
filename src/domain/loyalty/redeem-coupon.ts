// Redeem points for a coupon: atomic, idempotent, and never below zero, even under concurrent calls.
import { and, eq } from 'drizzle-orm';
import { coupons, memberCoupons, members } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';
import { appendEntry, drawLots, spendableBalance } from './ledger.js';

export interface RedeemInput {
  memberId: string;
  couponId: string;
  /** The same key always yields the same result and never a second coupon. */
  idempotencyKey: string;
}

export interface RedeemResult {
  memberCouponId: string;
  couponId: string;
  pointsSpent: number;
  balanceAfter: number;
  expiresAt: Date;
  /** True when this call found an earlier redemption with the same key. */
  replayed: boolean;
}

/**
 * All checks and writes happen in one write transaction: the balance is read after the write lock
 * is taken, so two concurrent redemptions cannot both see the same points.
 */
export const redeemCoupon: Verb<RedeemInput, RedeemResult> = async ({ ctx, input }) => {
  const key = `redeem:${input.idempotencyKey}`;
  return ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const [prior] = await tx.select().from(memberCoupons).where(eq(memberCoupons.idempotencyKey, key));
    if (prior) {
      if (prior.memberId !== input.memberId) throw new DomainError('conflict', 'Idempotency key already used');
      const [c] = await tx.select().from(coupons).where(eq(coupons.id, prior.couponId));
      return {
        memberCouponId: prior.id,
        couponId: prior.couponId,
        pointsSpent: c?.pointsCost ?? 0,
        balanceAfter: await spendableBalance(tx, input.memberId, now),
        expiresAt: prior.expiresAt,
        replayed: true,
      };
    }
    const [member] = await tx.select({ id: members.id }).from(members).where(eq(members.id, input.memberId));
    if (!member) throw new DomainError('not_found', 'Member not found');
    const [coupon] = await tx
      .select()
      .from(coupons)
      .where(and(eq(coupons.id, input.couponId), eq(coupons.active, true)));
    if (!coupon || coupon.pointsCost === null) throw new DomainError('not_found', 'This coupon cannot be redeemed with points');
    const cost = coupon.pointsCost;
    const balance = await spendableBalance(tx, input.memberId, now);
    if (balance < cost) {
      throw new DomainError('insufficient_points', 'Not enough points', { balance, cost });
    }
    const taken = await drawLots(tx, input.memberId, cost, now);
    if (taken !== cost) throw new DomainError('insufficient_points', 'Not enough points', { balance, cost });
    await appendEntry(tx, {
      memberId: input.memberId,
      kind: 'redeem',
      points: -cost,
      sourceType: 'coupon',
      sourceRef: coupon.id,
      idempotencyKey: key,
      createdAt: now,
    });
    const expiresAt = new Date(now.getTime() + coupon.validDays * DAY_MS);
    const id = crypto.randomUUID();
    await tx.insert(memberCoupons).values({
      id,
      memberId: input.memberId,
      couponId: coupon.id,
      status: 'available',
      source: 'redeem',
      idempotencyKey: key,
      issuedAt: now,
      expiresAt,
    });
    return { memberCouponId: id, couponId: coupon.id, pointsSpent: cost, balanceAfter: balance - cost, expiresAt, replayed: false };
  });
};
