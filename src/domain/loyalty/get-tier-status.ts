// Tier status: current tier, rolling spend, the gap to the next tier and what keeps the current one.
import { eq, sql } from 'drizzle-orm';
import { members, type Tier } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import { addMonths, DAY_MS } from '../../lib/time.js';
import { runPrepared } from '../../db/prepared.js';
import type { Verb } from '../context.js';
import { spendSinceEach } from './rolling-spend.js';
import { listTiers, nextTierAfter } from './tiers.js';

export interface TierStatus {
  tier: Tier;
  /** Spend in the rolling window, cents. */
  rollingSpendCents: number;
  nextTier: { tier: Tier; spendNeededCents: number } | null;
  /**
   * To still qualify at `by`, the member must add this much spend before then (spend older than the
   * window drops out). Null for the base tier, which needs nothing to keep.
   */
  keep: { spendNeededCents: number; by: Date } | null;
  tiers: Tier[];
}

/**
 * `tierCode` and `tiers`, when the caller read them from the store in the same turn (a chat turn's member row and
 * tier table), spare reading them again.
 */
export const getTierStatus: Verb<{ memberId: string; tierCode?: string; tiers?: Tier[] }, TierStatus> = async ({ ctx, input }) => {
  const db = ctx.store.db;
  const now = ctx.clock();
  const [member] =
    input.tierCode !== undefined
      ? [{ tierCode: input.tierCode }]
      : await runPrepared(
          db,
          'memberTierCode',
          (d) =>
            d
              .select({ tierCode: members.tierCode })
              .from(members)
              .where(eq(members.id, sql.placeholder('memberId')))
              .limit(1)
              .prepare(),
          { memberId: input.memberId },
        );
  if (!member) throw new DomainError('not_found', 'Member not found');
  const all = input.tiers ?? (await listTiers(db));
  const tier = all.find((t) => t.code === member.tierCode) ?? all[0];
  const windowStart = addMonths(now, -ctx.rules.tierWindowMonths);
  const by = new Date(now.getTime() + ctx.rules.keepTierHorizonDays * DAY_MS);
  const [rolling, stillCounting] = await spendSinceEach(db, input.memberId, windowStart, addMonths(by, -ctx.rules.tierWindowMonths));
  const next = nextTierAfter(all, tier.code);
  return {
    tier,
    rollingSpendCents: rolling,
    nextTier: next ? { tier: next, spendNeededCents: Math.max(0, next.thresholdCents - rolling) } : null,
    keep: tier.thresholdCents > 0 ? { spendNeededCents: Math.max(0, tier.thresholdCents - stillCounting), by } : null,
    tiers: all,
  };
};
