// Member analytics: RFM quintiles, lifecycle stage and a CLV estimate for every member, in one set-based statement.
import { sql } from 'drizzle-orm';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';
import { SPEND_STATUSES } from '../loyalty/rolling-spend.js';

/** Lifecycle thresholds in days (first order for `new`, last order for the others). */
export interface LifecycleRules {
  /** A member whose first order is this recent (or who never ordered) is `new`. */
  newDays: number;
  /** Last order within this many days: `active`; within `atRiskDays`: `at_risk`; older: `churned`. */
  activeDays: number;
  atRiskDays: number;
  /** Years a member is expected to keep buying at their current yearly rate (CLV horizon). */
  clvYears: number;
}

export const DEFAULT_LIFECYCLE: LifecycleRules = { newDays: 30, activeDays: 90, atRiskDays: 180, clvYears: 3 };

/** Statuses whose orders count as spend (refunded and cancelled do not), as a SQL list. */
export const SPEND_STATUS_LIST = sql`(${sql.join(
  SPEND_STATUSES.map((s) => sql`${s}`),
  sql`, `,
)})`;

/**
 * Recomputes `member_analytics` for every member in one `INSERT ... SELECT ... ON CONFLICT DO UPDATE`:
 * per-member aggregates of paid orders, NTILE(5) quintiles over the members who ordered (5 = most
 * recent / most frequent / highest spend), an RFM segment from the r/f scores (m breaks the "can't
 * lose" tie), the lifecycle stage, and CLV = average order value x orders per year x `clvYears`,
 * damped for members at risk (x0.5) or churned (x0.1). Members who never ordered score 0, segment
 * `none`, stage `new`; erased members get no row. Idempotent: a rerun with the same orders and clock writes the same rows.
 */
export const computeMemberAnalytics: Verb<{ rules?: Partial<LifecycleRules> }, { members: number; ms: number }> = async ({
  ctx,
  input,
}) => {
  const r = { ...DEFAULT_LIFECYCLE, ...input.rules };
  const now = ctx.clock().getTime();
  const started = Date.now();
  const stmt = sql`
    insert into member_analytics (member_id, recency_days, last_order_at, frequency, monetary_cents, r_score, f_score, m_score,
      rfm_segment, lifecycle, clv_cents, computed_at)
    with agg as (
      select m.id as member_id, o.last_at, o.first_at, coalesce(o.freq, 0) as freq, coalesce(o.spend, 0) as spend
      from members m
      left join (
        select member_id, max(paid_at) as last_at, min(paid_at) as first_at, count(*) as freq, sum(total_cents) as spend
        from orders where paid_at is not null and status in ${SPEND_STATUS_LIST} group by member_id
      ) o on o.member_id = m.id
      -- Erased members (src/domain/privacy) keep their orders for accounting but are never profiled again.
      where m.erased_at is null
    ),
    scored as (
      select agg.*,
        case when freq > 0 then ntile(5) over (partition by freq > 0 order by last_at, member_id) else 0 end as r,
        case when freq > 0 then ntile(5) over (partition by freq > 0 order by freq, member_id) else 0 end as f,
        case when freq > 0 then ntile(5) over (partition by freq > 0 order by spend, member_id) else 0 end as mo
      from agg
    ),
    staged as (
      select scored.*,
        case
          when freq = 0 or first_at > ${now - r.newDays * DAY_MS} then 'new'
          when last_at > ${now - r.activeDays * DAY_MS} then 'active'
          when last_at > ${now - r.atRiskDays * DAY_MS} then 'at_risk'
          else 'churned'
        end as stage
      from scored
    )
    select member_id,
      case when freq > 0 then (${now} - last_at) / ${DAY_MS} end,
      last_at, freq, spend, r, f, mo,
      case
        when freq = 0 then 'none'
        when r >= 4 and f >= 4 then 'champions'
        when r >= 3 and f >= 3 then 'loyal'
        when r >= 4 and f <= 1 then 'new'
        when r >= 3 then 'potential'
        when f >= 4 and mo >= 4 then 'cant_lose'
        when f >= 3 then 'at_risk'
        when r = 2 then 'hibernating'
        else 'lost'
      end,
      stage,
      case when freq = 0 then 0 else cast(
        (spend * 1.0 / freq)
        * (freq * 365.0 / max((${now} - first_at) * 1.0 / ${DAY_MS}, 90))
        * ${r.clvYears}
        * (case stage when 'at_risk' then 0.5 when 'churned' then 0.1 else 1 end)
      as integer) end,
      ${now}
    from staged where true
    on conflict (member_id) do update set
      recency_days = excluded.recency_days, last_order_at = excluded.last_order_at, frequency = excluded.frequency,
      monetary_cents = excluded.monetary_cents, r_score = excluded.r_score, f_score = excluded.f_score, m_score = excluded.m_score,
      rfm_segment = excluded.rfm_segment, lifecycle = excluded.lifecycle, clv_cents = excluded.clv_cents, computed_at = excluded.computed_at`;
  const res = await ctx.store.write((tx) => tx.run(stmt));
  return { members: Number(res.rowsAffected), ms: Date.now() - started };
};
