// Tier review: one member after each order event, or every member in one statement (daily job).
import { eq, sql } from 'drizzle-orm';
import { members } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import { addMonths } from '../../lib/time.js';
import type { DomainCtx, Verb } from '../context.js';
import { spendSince } from './rolling-spend.js';
import { listTiers, tierForSpend } from './tiers.js';

/** Re-evaluates one member's tier from rolling spend inside the caller's transaction; returns the new code. */
export async function reviewMemberTier(tx: Tx, ctx: DomainCtx, memberId: string): Promise<{ from: string; to: string }> {
  const now = ctx.clock();
  const [member] = await tx.select({ tierCode: members.tierCode }).from(members).where(eq(members.id, memberId));
  if (!member) return { from: '', to: '' };
  const spend = await spendSince(tx, memberId, addMonths(now, -ctx.rules.tierWindowMonths));
  const tier = tierForSpend(await listTiers(tx), spend);
  if (tier.code !== member.tierCode) {
    await tx.update(members).set({ tierCode: tier.code, tierSince: now }).where(eq(members.id, memberId));
  }
  return { from: member.tierCode, to: tier.code };
}

/**
 * Daily review of every member: a single UPDATE that moves only members whose tier changed, so it
 * stays one round trip at 100k members. Returns how many changed.
 */
export const reviewAllTiers: Verb<Record<string, never>, { changed: number }> = async ({ ctx }) => {
  const now = ctx.clock();
  const since = addMonths(now, -ctx.rules.tierWindowMonths).getTime();
  return ctx.store.write(async (tx) => {
    const target = sql`(
      select t.code from tiers t
      where t.threshold_cents <= (
        select coalesce(sum(o.total_cents), 0) from orders o
        where o.member_id = members.id and o.status in ('paid','shipped','delivered') and o.paid_at > ${since}
      )
      order by t.rank desc limit 1)`;
    const result = await tx.run(
      sql`update members set tier_code = ${target}, tier_since = ${now.getTime()} where tier_code is not ${target}`,
    );
    return { changed: Number(result.rowsAffected ?? 0) };
  });
};
