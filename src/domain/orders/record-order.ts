// Record an order event: create or advance the order, earn or reverse points, review the tier.
import { and, eq, gt, inArray } from 'drizzle-orm';
import { memberCoupons, members, orderLines, orders, products, tiers, type OrderStatus } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import { DomainError } from '../../lib/errors.js';
import { addMonths } from '../../lib/time.js';
import type { DomainCtx, Verb } from '../context.js';
import { appendEntry, drawLots, findEntry, spendableBalance } from '../loyalty/ledger.js';
import { reviewMemberTier } from '../loyalty/review-tier.js';
import { pointsForAmount } from '../loyalty/tiers.js';
import { applyPurchaseStats } from '../products/rec-stats.js';
import type { OrderEvent } from './order-event.js';

export interface RecordOrderResult {
  orderId: string;
  status: OrderStatus;
  /** What this call changed: 'created', 'updated', or 'unchanged' for a replay. */
  outcome: 'created' | 'updated' | 'unchanged';
  pointsEarned: number;
  pointsReversed: number;
  tier: { from: string; to: string };
  /** Coupons this call marked used (payment) or gave back (refund, cancellation). */
  couponsUsed: string[];
  couponsReturned: string[];
  /** Coupons the event named that are not this member's, not available or expired: the order stands, they are not used. */
  couponsRefused: string[];
}

const PAID: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'delivered']);
const UNDONE: ReadonlySet<OrderStatus> = new Set(['refunded', 'cancelled']);

/**
 * Applies one order event in one transaction. Replaying the same event is a no-op; payment earns once
 * (keyed by order id) and a refund or cancellation after payment reverses exactly what was earned.
 * Points are earned at the member's tier multiplier at payment, then the tier is reviewed.
 */
export const recordOrder: Verb<OrderEvent, RecordOrderResult> = async ({ ctx, input }) =>
  ctx.store.write((tx) => applyOrderEvent(tx, ctx, input));

/** The transaction body of recordOrder, exported for bulk imports that batch many events per transaction. */
export async function applyOrderEvent(tx: Tx, ctx: DomainCtx, input: OrderEvent): Promise<RecordOrderResult> {
  const now = ctx.clock();
  const [member] = await tx.select({ id: members.id, tierCode: members.tierCode }).from(members).where(eq(members.id, input.memberId));
  if (!member) throw new DomainError('not_found', `Member ${input.memberId} not found`);

  const [existing] = await tx.select().from(orders).where(eq(orders.id, input.orderId));
  if (existing && existing.memberId !== input.memberId) {
    throw new DomainError('conflict', `Order ${input.orderId} belongs to another member`);
  }
  const totalCents = input.total ?? input.lines.reduce((s, l) => s + l.amount, 0);
  const result: RecordOrderResult = {
    orderId: input.orderId,
    status: input.status,
    outcome: existing ? 'updated' : 'created',
    pointsEarned: 0,
    pointsReversed: 0,
    tier: { from: member.tierCode, to: member.tierCode },
    couponsUsed: [],
    couponsReturned: [],
    couponsRefused: [],
  };

  if (!existing) {
    await ensureProducts(tx, input);
    await tx.insert(orders).values({
      id: input.orderId,
      memberId: input.memberId,
      status: input.status,
      totalCents,
      orderedAt: input.orderedAt,
      paidAt: PAID.has(input.status) ? (input.paidAt ?? input.orderedAt) : (input.paidAt ?? null),
      carrier: input.carrier,
      trackingNo: input.trackingNo,
      shippedAt: input.status === 'shipped' || input.status === 'delivered' ? now : null,
      deliveredAt: input.status === 'delivered' ? now : null,
      refundedAt: UNDONE.has(input.status) ? now : null,
      updatedAt: now,
    });
    await tx.insert(orderLines).values(
      input.lines.map((l, i) => ({
        orderId: input.orderId,
        lineNo: i + 1,
        productId: l.productId,
        quantity: l.quantity,
        amountCents: l.amount,
      })),
    );
  } else if (
    existing.status === input.status &&
    existing.carrier === (input.carrier ?? existing.carrier) &&
    existing.trackingNo === (input.trackingNo ?? existing.trackingNo)
  ) {
    return { ...result, outcome: 'unchanged', pointsEarned: 0 };
  } else if (UNDONE.has(existing.status)) {
    // A refunded or cancelled order is final; later events for it are stale deliveries.
    return { ...result, status: existing.status, outcome: 'unchanged' };
  } else {
    await tx
      .update(orders)
      .set({
        status: input.status,
        paidAt: existing.paidAt ?? (PAID.has(input.status) ? (input.paidAt ?? now) : null),
        carrier: input.carrier ?? existing.carrier,
        trackingNo: input.trackingNo ?? existing.trackingNo,
        shippedAt: existing.shippedAt ?? (input.status === 'shipped' || input.status === 'delivered' ? now : null),
        deliveredAt: existing.deliveredAt ?? (input.status === 'delivered' ? now : null),
        refundedAt: UNDONE.has(input.status) ? now : null,
        updatedAt: now,
      })
      .where(eq(orders.id, input.orderId));
  }

  const wasPaid = existing ? PAID.has(existing.status) : false;
  if (PAID.has(input.status) && !wasPaid) {
    result.pointsEarned = await earnForOrder(tx, ctx, input, member.tierCode, existing ? existing.totalCents : totalCents);
  }
  if (UNDONE.has(input.status) && wasPaid) {
    result.pointsReversed = await reverseForOrder(tx, ctx, input.memberId, input.orderId);
  }
  if (PAID.has(input.status) && !wasPaid && input.coupons?.length) {
    const used = await useCoupons(tx, now, input.memberId, input.orderId, input.coupons);
    result.couponsUsed = used;
    result.couponsRefused = input.coupons.filter((id) => !used.includes(id));
  }
  if (UNDONE.has(input.status) && wasPaid) result.couponsReturned = await returnCoupons(tx, now, input.orderId);
  // Recommendation statistics follow the same two transitions, in this transaction: into the paid
  // states once, out of them at most once (a refunded order is final).
  const becamePaid = PAID.has(input.status) && !wasPaid;
  const undone = UNDONE.has(input.status) && wasPaid;
  if (becamePaid || undone) {
    const lines = existing
      ? await tx
          .select({ productId: orderLines.productId, quantity: orderLines.quantity })
          .from(orderLines)
          .where(eq(orderLines.orderId, input.orderId))
          .orderBy(orderLines.lineNo)
      : input.lines;
    const orderedAt = existing ? existing.orderedAt : input.orderedAt;
    await applyPurchaseStats(tx, { memberId: input.memberId, orderedAt, lines }, becamePaid ? 1 : -1);
  }
  result.tier = await reviewMemberTier(tx, ctx, input.memberId);
  return result;
}

async function earnForOrder(tx: Tx, ctx: DomainCtx, input: OrderEvent, tierCode: string, totalCents: number): Promise<number> {
  const key = `earn:order:${input.orderId}`;
  if (await findEntry(tx, key)) return 0;
  const [tier] = await tx.select({ multiplierPct: tiers.multiplierPct }).from(tiers).where(eq(tiers.code, tierCode));
  const points = pointsForAmount(totalCents, tier?.multiplierPct ?? 100);
  const earnedAt = input.paidAt ?? input.orderedAt;
  await tx.update(orders).set({ pointsEarned: points }).where(eq(orders.id, input.orderId));
  if (points <= 0) return 0;
  await appendEntry(tx, {
    memberId: input.memberId,
    kind: 'earn',
    points,
    sourceType: 'order',
    sourceRef: input.orderId,
    idempotencyKey: key,
    createdAt: earnedAt,
    expiresAt: addMonths(earnedAt, ctx.rules.expiryMonths),
  });
  return points;
}

/**
 * Takes back the order's points: from its own lot first, then oldest-first. If the member already
 * spent them, only what is left is taken (the balance never goes negative) and the shortfall is
 * written on the entry for support to settle.
 */
async function reverseForOrder(tx: Tx, ctx: DomainCtx, memberId: string, orderId: string): Promise<number> {
  const key = `reverse:order:${orderId}`;
  if (await findEntry(tx, key)) return 0;
  const earned = await findEntry(tx, `earn:order:${orderId}`);
  if (!earned || earned.points <= 0) return 0;
  const now = ctx.clock();
  const available = await spendableBalance(tx, memberId, now);
  const taken = await drawLots(tx, memberId, Math.min(earned.points, available), now, earned.id);
  // Points of this order that already expired are gone either way; drop what is left of its lot.
  const shortfall = earned.points - taken;
  await appendEntry(tx, {
    memberId,
    kind: 'reverse',
    points: -taken,
    sourceType: 'order',
    sourceRef: orderId,
    idempotencyKey: key,
    note: shortfall > 0 ? `shortfall ${shortfall}: points already spent or expired` : undefined,
    createdAt: now,
  });
  return taken;
}

/**
 * Marks the member's available, unexpired coupons among `ids` used by the order. A coupon of another member, one
 * already used or expired is left as it is (the payment happened in the shop either way); returns those used.
 */
async function useCoupons(tx: Tx, now: Date, memberId: string, orderId: string, ids: string[]): Promise<string[]> {
  const rows = await tx
    .update(memberCoupons)
    .set({ status: 'used', usedAt: now, usedOrderId: orderId })
    .where(
      and(
        inArray(memberCoupons.id, [...new Set(ids)]),
        eq(memberCoupons.memberId, memberId),
        eq(memberCoupons.status, 'available'),
        gt(memberCoupons.expiresAt, now),
      ),
    )
    .returning({ id: memberCoupons.id });
  return rows.map((r) => r.id);
}

/** Gives back the coupons a refunded or cancelled order used (an expired one stays gone: it expires as it would have). */
async function returnCoupons(tx: Tx, now: Date, orderId: string): Promise<string[]> {
  const rows = await tx
    .update(memberCoupons)
    .set({ status: 'available', usedAt: null, usedOrderId: null })
    .where(and(eq(memberCoupons.usedOrderId, orderId), eq(memberCoupons.status, 'used'), gt(memberCoupons.expiresAt, now)))
    .returning({ id: memberCoupons.id });
  return rows.map((r) => r.id);
}

/** Creates products the shop sent with a name; rejects lines naming products the store does not know. */
async function ensureProducts(tx: Tx, input: OrderEvent): Promise<void> {
  const ids = [...new Set(input.lines.map((l) => l.productId))];
  const known = new Set((await tx.select({ id: products.id }).from(products).where(inArray(products.id, ids))).map((p) => p.id));
  for (const line of input.lines) {
    if (known.has(line.productId)) continue;
    if (!line.name) throw new DomainError('bad_request', `Unknown product ${line.productId}: send its name to create it`);
    await tx
      .insert(products)
      .values({
        id: line.productId,
        name: line.name,
        nameZh: line.nameZh ?? null,
        category: line.category ?? '',
        categoryZh: line.categoryZh ?? null,
        brand: line.brand ?? '',
        priceCents: Math.round(line.amount / line.quantity),
      })
      .onConflictDoNothing();
    known.add(line.productId);
  }
}
