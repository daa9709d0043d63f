// Upcoming expiries: when the member's points run out, day by day, for "when do my points expire?".
import { executeSql } from '../../db/prepared.js';
import { formatDate } from '../../lib/time.js';
import type { Verb } from '../context.js';

export interface UpcomingExpiry {
  /** The day (YYYY-MM-DD in the member's time zone) these points expire. */
  on: string;
  points: number;
}

/** Live lots soonest first, on the member/expiry index. Bounded: a member has a lot per paid order. */
const LOTS_SQL = `
  select remaining, expires_at from point_lots
  where member_id = ?1 and remaining > 0 and expires_at > ?2
  order by expires_at, ledger_id
  limit ?3`;
const MAX_LOTS = 200;

/** The next `days` expiry days (default 3) with the points each takes, summed by day in `timeZone`. */
export const getUpcomingExpiries: Verb<{ memberId: string; timeZone: string; days?: number }, UpcomingExpiry[]> = async ({
  ctx,
  input,
}) => {
  const days = Math.min(Math.max(input.days ?? 3, 1), 12);
  const { rows } = await executeSql(ctx.store.db, { sql: LOTS_SQL, args: [input.memberId, ctx.clock().getTime(), MAX_LOTS] });
  const out: UpcomingExpiry[] = [];
  for (const row of rows as unknown as { remaining: number; expires_at: number }[]) {
    const on = formatDate(new Date(Number(row.expires_at)), input.timeZone);
    const last = out[out.length - 1];
    if (last?.on === on) last.points += Number(row.remaining);
    else if (out.length === days) break;
    else out.push({ on, points: Number(row.remaining) });
  }
  return out;
};
