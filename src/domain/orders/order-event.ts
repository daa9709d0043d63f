// The order event the shop sends (webhook body or a CSV import row group), validated by zod.
import * as z from 'zod/v4';
import { ORDER_STATUSES } from '../../../db/schema/index.js';

const amount = z.union([z.number(), z.string()]).transform((v, c) => {
  const s = String(v).trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) {
    c.addIssue({ code: 'custom', message: 'must be a non-negative amount with at most 2 decimals' });
    return z.NEVER;
  }
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
});

const instant = z.iso.datetime({ offset: true, local: true }).transform((s) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`));

export const orderLineSchema = z.object({
  productId: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(100_000),
  /** Line amount in yuan (decimal), e.g. "19.90". */
  amount,
  /** Optional catalog data: lets the shop send products the store has not seen yet. */
  name: z.string().min(1).max(200).optional(),
  nameZh: z.string().min(1).max(200).optional(),
  category: z.string().max(100).optional(),
  categoryZh: z.string().min(1).max(100).optional(),
  brand: z.string().max(100).optional(),
});

export const orderEventSchema = z
  .object({
    orderId: z.string().min(1).max(64),
    memberId: z.string().min(1).max(64),
    status: z.enum(ORDER_STATUSES),
    orderedAt: instant,
    paidAt: instant.optional(),
    /** Order total in yuan; defaults to the sum of the lines. */
    total: amount.optional(),
    lines: z.array(orderLineSchema).min(1).max(500),
    carrier: z.string().max(100).optional(),
    trackingNo: z.string().max(100).optional(),
    /**
     * The member's coupons used at checkout (their ids, from GET /api/admin/members/{id}/coupons): marked used
     * when the order is paid, given back when it is refunded or cancelled.
     */
    coupons: z.array(z.string().min(1).max(64)).max(10).optional(),
  })
  .strict();

export type OrderEvent = z.output<typeof orderEventSchema>;
export type OrderEventInput = z.input<typeof orderEventSchema>;
