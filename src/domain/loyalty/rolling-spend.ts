// Rolling spend: what counts toward a tier (paid, not refunded or cancelled, inside the window).
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { orders } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';
import { runPrepared } from '../../db/prepared.js';

/** Order states whose money the member has actually spent. */
export const SPEND_STATUSES = ['paid', 'shipped', 'delivered'] as const;

/** The member's (placeholder `memberId`) orders that count as spent and were paid after placeholder `since`. */
const spentAfterSince = () =>
  and(
    eq(orders.memberId, sql.placeholder('memberId')),
    inArray(orders.status, [...SPEND_STATUSES]),
    gt(orders.paidAt, sql.placeholder('since')),
  );

/** Sum of order totals paid after `since`, in cents. */
export async function spendSince(db: Db | Tx, memberId: string, since: Date): Promise<number> {
  const [row] = await runPrepared(
    db,
    'spendSince',
    (d) =>
      d
        .select({ total: sql<number>`coalesce(sum(${orders.totalCents}), 0)` })
        .from(orders)
        .where(spentAfterSince())
        .prepare(),
    // Placeholders skip the column's encoder: pass the stored form (epoch ms).
    { memberId, since: since.getTime() },
  );
  return Number(row?.total ?? 0);
}

/**
 * Spend paid after each of two instants, in cents, in one pass over the member's orders (tier status needs the
 * window's spend and what will still count at the keep-tier date).
 */
export async function spendSinceEach(db: Db | Tx, memberId: string, a: Date, b: Date): Promise<[number, number]> {
  const [row] = await runPrepared(
    db,
    'spendSinceEach',
    (d) =>
      d
        .select({
          a: sql<number>`coalesce(sum(case when ${orders.paidAt} > ${sql.placeholder('a')} then ${orders.totalCents} end), 0)`,
          b: sql<number>`coalesce(sum(case when ${orders.paidAt} > ${sql.placeholder('b')} then ${orders.totalCents} end), 0)`,
        })
        .from(orders)
        .where(spentAfterSince())
        .limit(1)
        .prepare(),
    { memberId, a: a.getTime(), b: b.getTime(), since: Math.min(a.getTime(), b.getTime()) },
  );
  return [Number(row?.a ?? 0), Number(row?.b ?? 0)];
}
