// Points summary: spendable balance, what expires soon and when the next points expire.
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { pointLots } from '../../../db/schema/index.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';
import { spendableBalance } from './ledger.js';

export interface PointsSummary {
  balance: number;
  expiringSoon: { points: number; before: Date };
  /** The earliest upcoming expiry, if any points will expire at all. */
  nextExpiry: { points: number; at: Date } | null;
}

export const getPointsSummary: Verb<{ memberId: string }, PointsSummary> = async ({ ctx, input }) => {
  const db = ctx.store.db;
  const now = ctx.clock();
  const before = new Date(now.getTime() + ctx.rules.expiringSoonDays * DAY_MS);
  const live = and(eq(pointLots.memberId, input.memberId), gt(pointLots.remaining, 0), gt(pointLots.expiresAt, now));
  const [balance, [soon], [first]] = await Promise.all([
    spendableBalance(db, input.memberId, now),
    db
      .select({ total: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
      .from(pointLots)
      .where(and(live, lte(pointLots.expiresAt, before))),
    db.select({ at: pointLots.expiresAt }).from(pointLots).where(live).orderBy(asc(pointLots.expiresAt)).limit(1),
  ]);
  let nextExpiry: PointsSummary['nextExpiry'] = null;
  if (first) {
    const [sameDay] = await db
      .select({ total: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
      .from(pointLots)
      .where(and(live, lte(pointLots.expiresAt, new Date(first.at.getTime() + DAY_MS))));
    nextExpiry = { points: Number(sameDay?.total ?? 0), at: first.at };
  }
  return { balance, expiringSoon: { points: Number(soon?.total ?? 0), before }, nextExpiry };
};
