// Points summary: spendable balance, what expires soon and when the next points expire.
import { sql } from 'drizzle-orm';
import { pointLots } from '../../../db/schema/index.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';

export interface PointsSummary {
  balance: number;
  expiringSoon: { points: number; before: Date };
  /** The earliest upcoming expiry, if any points will expire at all. */
  nextExpiry: { points: number; at: Date } | null;
}

/**
 * One pass over the member's live lots (a handful of rows, on the member/expiry index): the balance, what
 * expires within the "soon" window, the first expiry and what expires within a day of it.
 */
export const getPointsSummary: Verb<{ memberId: string }, PointsSummary> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const before = new Date(now.getTime() + ctx.rules.expiringSoonDays * DAY_MS);
  const live = sql`select ${pointLots.remaining} as remaining, ${pointLots.expiresAt} as expires_at from ${pointLots}
    where ${pointLots.memberId} = ${input.memberId} and ${pointLots.remaining} > 0 and ${pointLots.expiresAt} > ${now.getTime()}`;
  const [row] = await ctx.store.db.all<{ balance: number; soon: number; first: number | null; first_day: number }>(sql`
    with live as (${live}), first as (select min(expires_at) as at from live)
    select coalesce(sum(remaining), 0) as balance,
      coalesce(sum(case when expires_at <= ${before.getTime()} then remaining end), 0) as soon,
      (select at from first) as first,
      coalesce(sum(case when expires_at <= (select at from first) + ${DAY_MS} then remaining end), 0) as first_day
    from live`);
  const first = row?.first === null || row?.first === undefined ? null : Number(row.first);
  return {
    balance: Number(row?.balance ?? 0),
    expiringSoon: { points: Number(row?.soon ?? 0), before },
    nextExpiry: first === null ? null : { points: Number(row.first_day), at: new Date(first) },
  };
};
