// Spend summary: what the member spent in the tier window and in this and last calendar month.
import { executeSql } from '../../db/prepared.js';
import { addMonths, DAY_MS, formatDate } from '../../lib/time.js';
import type { Verb } from '../context.js';
import { SPEND_STATUSES } from './rolling-spend.js';

export interface SpendSummary {
  /** Paid, not refunded or cancelled, in the tier window (what counts toward the tier). */
  window: { months: number; cents: number; orders: number };
  /** Calendar months (YYYY-MM) in the member's time zone. */
  thisMonth: { month: string; cents: number; orders: number };
  lastMonth: { month: string; cents: number; orders: number };
}

/** The member's spent orders paid after ?2, on the member/paid index. Bounded: a year of one member's orders. */
const SPENT_SQL = `
  select paid_at, total_cents from orders
  where member_id = ?1 and paid_at > ?2 and status in (${SPEND_STATUSES.map((s) => `'${s}'`).join(', ')})
  order by paid_at desc
  limit ?3`;
const MAX_ORDERS = 5_000;

/** The month before YYYY-MM. */
const monthBefore = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

export const getSpendSummary: Verb<{ memberId: string; timeZone: string }, SpendSummary> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const months = ctx.rules.tierWindowMonths;
  const windowStart = addMonths(now, -months);
  // Last month starts at most 62 days ago; read back to whichever is earlier.
  const since = Math.min(windowStart.getTime(), now.getTime() - 62 * DAY_MS);
  const { rows } = await executeSql(ctx.store.db, { sql: SPENT_SQL, args: [input.memberId, since, MAX_ORDERS] });
  const thisMonth = formatDate(now, input.timeZone).slice(0, 7);
  const lastMonth = monthBefore(thisMonth);
  const out: SpendSummary = {
    window: { months, cents: 0, orders: 0 },
    thisMonth: { month: thisMonth, cents: 0, orders: 0 },
    lastMonth: { month: lastMonth, cents: 0, orders: 0 },
  };
  for (const row of rows as unknown as { paid_at: number; total_cents: number }[]) {
    const at = Number(row.paid_at);
    const cents = Number(row.total_cents);
    if (at > windowStart.getTime()) {
      out.window.cents += cents;
      out.window.orders++;
    }
    const month = formatDate(new Date(at), input.timeZone).slice(0, 7);
    const bucket = month === thisMonth ? out.thisMonth : month === lastMonth ? out.lastMonth : null;
    if (bucket) {
      bucket.cents += cents;
      bucket.orders++;
    }
  }
  return out;
};
