// Planning: the campaign's audience into the outbox with one set-based INSERT ... SELECT per batch, resumable and idempotent.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Campaign, campaigns } from '../../../db/schema/index.js';
import type { DomainCtx } from '../context.js';
import { compileSegment, type SegmentDefinition } from '../segments/index.js';
import { campaignSeed, variantSql } from './assign.js';
import { loadCampaign } from './campaigns.js';

export interface PlanResult {
  planned: number;
  batches: number;
  done: boolean;
}

/** When a campaign starts: its schedule, else its launch. Relative segment conditions are evaluated then. */
export function campaignStart(c: Campaign): Date {
  const launched = c.launchedAt ?? c.createdAt;
  return c.scheduleAt && c.scheduleAt > launched ? c.scheduleAt : launched;
}

/**
 * Plans a running campaign: members of its segment, in member-id ranges of `batchSize`, each range one
 * `INSERT INTO campaign_deliveries SELECT ... ON CONFLICT (campaign_id, member_id) DO NOTHING` with the
 * variant (or holdout) computed in SQL. Holdout rows are written as skipped/holdout: they are the
 * control group of the report and never reach the dispatcher. The range boundary advances in the same
 * transaction as its rows (compare-and-set on `planned_through`), so a crash resumes at the next range
 * and two planners never both plan one. Messages are rendered at send time, not here.
 */
export async function planCampaign(
  ctx: DomainCtx,
  id: string,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<PlanResult> {
  const batchSize = options.batchSize ?? 50_000;
  let c = await loadCampaign(ctx, id);
  const result: PlanResult = { planned: 0, batches: 0, done: c.plannedAt !== null };
  if (c.status !== 'running' || c.plannedAt) return result;
  const start = campaignStart(c);
  const compiled = compileSegment(c.segment as SegmentDefinition, start);
  const variant = variantSql(campaignSeed(c.id), c.variants, c.holdoutPct);
  const at = ctx.clock().getTime();
  while (result.batches < (options.maxBatches ?? Number.POSITIVE_INFINITY)) {
    const lo = c.plannedThrough;
    // The range's upper bound, read off the members primary key (no segment work): null = to the end.
    const [edge] = await ctx.store.db.all<{ id: string }>(
      lo === null
        ? sql`select id from members order by id limit 1 offset ${batchSize - 1}`
        : sql`select id from members where id > ${lo} order by id limit 1 offset ${batchSize - 1}`,
    );
    const hi = edge?.id ?? null;
    const range = sql.join([lo === null ? sql`1` : sql`m.id > ${lo}`, hi === null ? sql`1` : sql`m.id <= ${hi}`], sql` and `);
    const advanced = await ctx.store.write(async (tx) => {
      const [cur] = await tx
        .select({ through: campaigns.plannedThrough, plannedAt: campaigns.plannedAt, status: campaigns.status })
        .from(campaigns)
        .where(eq(campaigns.id, id));
      // Cancelled meanwhile, finished or advanced by another planner: stop.
      if (!cur || cur.status === 'cancelled' || cur.plannedAt || cur.through !== lo) return null;
      const ins = await tx.run(sql`
        insert into campaign_deliveries (campaign_id, member_id, variant, status, skip_reason, next_attempt_at, planned_at)
        select ${id}, s.id, s.variant,
          case when s.variant = 'holdout' then 'skipped' else 'planned' end,
          case when s.variant = 'holdout' then 'holdout' end,
          ${start.getTime()}, ${at}
        from (select m.id as id, ${variant} as variant from ${compiled.from} where (${compiled.where}) and ${range}) s
        where true
        on conflict (campaign_id, member_id) do nothing`);
      const n = Number(ins.rowsAffected);
      await tx
        .update(campaigns)
        .set({
          plannedThrough: hi,
          plannedCount: sql`${campaigns.plannedCount} + ${n}`,
          ...(hi === null && { plannedAt: new Date(at) }),
        })
        .where(and(eq(campaigns.id, id), isNull(campaigns.plannedAt)));
      return n;
    });
    if (advanced === null) break;
    result.planned += advanced;
    result.batches += 1;
    if (hi === null) {
      result.done = true;
      break;
    }
    c = { ...c, plannedThrough: hi };
  }
  return result;
}
