// Points summary: spendable balance, what expires soon and when the next points expire.
import { executeSql } from '../../db/prepared.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';

export interface PointsSummary {
  balance: number;
  expiringSoon: { points: number; before: Date };
  /** The earliest upcoming expiry, if any points will expire at all. */
  nextExpiry: { points: number; at: Date } | null;
}

/** The member's live lots in one pass: balance, what expires by ?3, the first expiry and what expires within a day of it. */
const SUMMARY_SQL = `
  with live as (select remaining, expires_at from point_lots where member_id = ?1 and remaining > 0 and expires_at > ?2),
    first as (select min(expires_at) as at from live)
  select coalesce(sum(remaining), 0) as balance,
    coalesce(sum(case when expires_at <= ?3 then remaining end), 0) as soon,
    (select at from first) as first,
    coalesce(sum(case when expires_at <= (select at from first) + ?4 then remaining end), 0) as first_day
  from live
  limit 1`;

/** A handful of rows on the member/expiry index, read with hand-written SQL (this runs on most chat turns). */
export const getPointsSummary: Verb<{ memberId: string }, PointsSummary> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const before = new Date(now.getTime() + ctx.rules.expiringSoonDays * DAY_MS);
  const { rows } = await executeSql(ctx.store.db, { sql: SUMMARY_SQL, args: [input.memberId, now.getTime(), before.getTime(), DAY_MS] });
  const row = rows[0] as unknown as { balance: number; soon: number; first: number | null; first_day: number } | undefined;
  const first = row?.first === null || row?.first === undefined ? null : Number(row.first);
  return {
    balance: Number(row?.balance ?? 0),
    expiringSoon: { points: Number(row?.soon ?? 0), before },
    nextExpiry: first === null || !row ? null : { points: Number(row.first_day), at: new Date(first) },
  };
};
