// Points expiry job: turns what is left of lots past their date into 'expire' ledger entries.
import { and, eq, gt, lte } from 'drizzle-orm';
import { pointLots } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { appendEntry } from './ledger.js';

/**
 * Expires lots in batches (one transaction each, so a crash loses at most a batch's progress and a
 * rerun continues: each lot's entry is keyed by its ledger id). Returns the points expired.
 */
export const expirePoints: Verb<{ batchSize?: number }, { lots: number; points: number }> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const batchSize = input.batchSize ?? 500;
  let lots = 0;
  let points = 0;
  for (;;) {
    const done = await ctx.store.write(async (tx) => {
      const due = await tx
        .select()
        .from(pointLots)
        .where(and(gt(pointLots.remaining, 0), lte(pointLots.expiresAt, now)))
        .limit(batchSize);
      for (const lot of due) {
        await tx.update(pointLots).set({ remaining: 0 }).where(eq(pointLots.ledgerId, lot.ledgerId));
        await appendEntry(tx, {
          memberId: lot.memberId,
          kind: 'expire',
          points: -lot.remaining,
          sourceType: 'lot',
          sourceRef: String(lot.ledgerId),
          idempotencyKey: `expire:lot:${lot.ledgerId}`,
          createdAt: now,
        });
        lots += 1;
        points += lot.remaining;
      }
      return due.length < batchSize;
    });
    if (done) return { lots, points };
  }
};
