// Points history: the member's latest ledger entries, newest first.
import { desc, eq } from 'drizzle-orm';
import { pointsLedger, type LedgerEntry } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export const getPointsHistory: Verb<{ memberId: string; limit?: number }, LedgerEntry[]> = async ({ ctx, input }) => {
  const limit = Math.min(Math.max(input.limit ?? 5, 1), 50);
  return ctx.store.db
    .select()
    .from(pointsLedger)
    .where(eq(pointsLedger.memberId, input.memberId))
    .orderBy(desc(pointsLedger.createdAt), desc(pointsLedger.id))
    .limit(limit);
};
