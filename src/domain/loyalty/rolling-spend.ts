// Rolling spend: what counts toward a tier (paid, not refunded or cancelled, inside the window).
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { orders } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';

/** Order states whose money the member has actually spent. */
export const SPEND_STATUSES = ['paid', 'shipped', 'delivered'] as const;

/** Sum of order totals paid after `since`, in cents. */
export async function spendSince(db: Db | Tx, memberId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${orders.totalCents}), 0)` })
    .from(orders)
    .where(and(eq(orders.memberId, memberId), inArray(orders.status, [...SPEND_STATUSES]), gt(orders.paidAt, since)));
  return Number(row?.total ?? 0);
}
