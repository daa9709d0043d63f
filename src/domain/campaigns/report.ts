// Campaign results: delivery counts by variant, status and reason, and attribution of orders to variants and holdout.
import { sql } from 'drizzle-orm';
import type { Campaign } from '../../../db/schema/index.js';
import { DAY_MS } from '../../lib/time.js';
import { SPEND_STATUS_LIST } from '../analytics/index.js';
import type { DomainCtx, Verb } from '../context.js';
import { loadCampaign } from './campaigns.js';

export interface VariantCounts {
  variant: string;
  total: number;
  byStatus: Record<string, number>;
  bySkipReason: Record<string, number>;
}

export interface VariantResult {
  variant: string;
  /** Members who got the message (holdout: members held out). */
  recipients: number;
  converted: number;
  conversionRate: number;
  revenueCents: number;
  pointsEarned: number;
  /** Conversion rate minus the holdout's, in percentage points (null without a holdout). */
  upliftPts: number | null;
  /** Revenue beyond what the holdout's revenue per member predicts for this many recipients. */
  incrementalRevenueCents: number;
  costCents: number;
  /** (incremental revenue - cost) / cost; null when the messages cost nothing. */
  roi: number | null;
}

export interface CampaignView {
  campaign: Campaign;
  counts: { total: number; byStatus: Record<string, number>; bySkipReason: Record<string, number>; variants: VariantCounts[] };
  report: { attributionDays: number; variants: VariantResult[]; holdout: VariantResult | null; totals: VariantResult | null };
}

/** Delivery counts by (variant, status, skip reason): one grouped scan of the campaign's rows. */
async function counts(ctx: DomainCtx, id: string): Promise<CampaignView['counts']> {
  const rows = await ctx.store.db.all<{ variant: string; status: string; reason: string | null; n: number }>(
    sql`select variant, status, skip_reason as reason, count(*) as n from campaign_deliveries where campaign_id = ${id} group by 1, 2, 3`,
  );
  const out: CampaignView['counts'] = { total: 0, byStatus: {}, bySkipReason: {}, variants: [] };
  const by = new Map<string, VariantCounts>();
  for (const r of rows) {
    const n = Number(r.n);
    let v = by.get(r.variant);
    if (!v) by.set(r.variant, (v = { variant: r.variant, total: 0, byStatus: {}, bySkipReason: {} }));
    v.total += n;
    out.total += n;
    v.byStatus[r.status] = (v.byStatus[r.status] ?? 0) + n;
    out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + n;
    if (r.reason) {
      v.bySkipReason[r.reason] = (v.bySkipReason[r.reason] ?? 0) + n;
      out.bySkipReason[r.reason] = (out.bySkipReason[r.reason] ?? 0) + n;
    }
  }
  out.variants = [...by.values()].sort((a, b) => a.variant.localeCompare(b.variant));
  return out;
}

/**
 * Attribution: a recipient converts with a paid order within `attributionDays` after their message was
 * sent; a holdout member, within the same window after the campaign's planned time. One grouped query
 * joins the campaign's sent and holdout rows to the orders in each member's window.
 */
async function attribution(ctx: DomainCtx, c: Campaign): Promise<CampaignView['report']> {
  const window = c.attributionDays * DAY_MS;
  const rows = await ctx.store.db.all<{ variant: string; recipients: number; converted: number; revenue: number; points: number }>(sql`
    with base as (
      select d.id, d.member_id, d.variant, case when d.variant = 'holdout' then d.planned_at else d.sent_at end as t0
      from campaign_deliveries d
      where d.campaign_id = ${c.id} and (d.status = 'sent' or d.skip_reason = 'holdout')
    )
    select b.variant as variant, count(distinct b.id) as recipients, count(distinct case when o.id is not null then b.id end) as converted,
      coalesce(sum(o.total_cents), 0) as revenue, coalesce(sum(o.points_earned), 0) as points
    from base b
    left join orders o on o.member_id = b.member_id and o.status in ${SPEND_STATUS_LIST}
      and o.paid_at >= b.t0 and o.paid_at < b.t0 + ${window}
    group by b.variant`);
  const raw = new Map(rows.map((r) => [r.variant, r]));
  const h = raw.get('holdout');
  const holdoutRate = h && Number(h.recipients) > 0 ? Number(h.converted) / Number(h.recipients) : null;
  const holdoutRevPer = h && Number(h.recipients) > 0 ? Number(h.revenue) / Number(h.recipients) : 0;
  const result = (
    variant: string,
    recipients: number,
    converted: number,
    revenue: number,
    points: number,
    paid: boolean,
  ): VariantResult => {
    const rate = recipients > 0 ? converted / recipients : 0;
    const cost = paid ? recipients * c.costPerMessageCents : 0;
    const incremental = Math.round(revenue - holdoutRevPer * recipients);
    return {
      variant,
      recipients,
      converted,
      conversionRate: rate,
      revenueCents: revenue,
      pointsEarned: points,
      upliftPts: paid && holdoutRate !== null ? (rate - holdoutRate) * 100 : null,
      incrementalRevenueCents: paid ? incremental : 0,
      costCents: cost,
      roi: paid && cost > 0 ? (incremental - cost) / cost : null,
    };
  };
  const variants = c.variants.map((v) => {
    const r = raw.get(v.key);
    return result(v.key, Number(r?.recipients ?? 0), Number(r?.converted ?? 0), Number(r?.revenue ?? 0), Number(r?.points ?? 0), true);
  });
  const sum = (k: 'recipients' | 'converted' | 'revenueCents' | 'pointsEarned') => variants.reduce((s, v) => s + v[k], 0);
  return {
    attributionDays: c.attributionDays,
    variants,
    holdout: h ? result('holdout', Number(h.recipients), Number(h.converted), Number(h.revenue), Number(h.points), false) : null,
    totals: variants.length ? result('all', sum('recipients'), sum('converted'), sum('revenueCents'), sum('pointsEarned'), true) : null,
  };
}

/**
 * A campaign and its delivery counts, without the attribution report: what the console polls every second while a
 * campaign sends (the report joins every recipient to their orders, which a progress bar does not need).
 */
export const getCampaignProgress: Verb<{ id: string }, Pick<CampaignView, 'campaign' | 'counts'>> = async ({ ctx, input }) => {
  const campaign = await loadCampaign(ctx, input.id);
  return { campaign, counts: await counts(ctx, campaign.id) };
};

/** A campaign with its delivery counts (by status and skip reason, per variant) and its attribution report. */
export const getCampaign: Verb<{ id: string }, CampaignView> = async ({ ctx, input }) => {
  const campaign = await loadCampaign(ctx, input.id);
  const [c, report] = await Promise.all([counts(ctx, campaign.id), attribution(ctx, campaign)]);
  return { campaign, counts: c, report };
};
