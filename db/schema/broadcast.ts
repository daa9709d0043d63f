// Broadcasts: saved segments, per-member analytics (RFM, lifecycle, CLV), campaigns and their durable delivery outbox.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const LIFECYCLE_STAGES = ['new', 'active', 'at_risk', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** RFM segment names, derived from the r/f/m quintile scores by the analytics job. */
export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'cant_lose', 'hibernating', 'lost', 'none'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'cancelled', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** `sending`: claimed and handed to the channel; the outcome is not yet recorded (see the dispatcher). */
export const DELIVERY_STATUSES = ['planned', 'sending', 'sent', 'failed', 'skipped', 'held'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A saved segment definition (validated JSON, see src/domain/segments). */
export const segments = sqliteTable('segments', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  definition: text('definition', { mode: 'json' }).$type<unknown>().notNull(),
  createdBy: text('created_by'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One row per member with orders or not, recomputed set-based by the `member-analytics` job. */
export const memberAnalytics = sqliteTable(
  'member_analytics',
  {
    memberId: text('member_id').primaryKey(),
    /** Days since the last paid order (null: never ordered). */
    recencyDays: integer('recency_days'),
    lastOrderAt: integer('last_order_at', { mode: 'timestamp_ms' }),
    /** Paid orders, all time. */
    frequency: integer('frequency').notNull().default(0),
    /** Paid spend, all time, in cents (refunds excluded). */
    monetaryCents: integer('monetary_cents').notNull().default(0),
    /** Quintile scores 1..5 (5 best) among members who ordered; 0 for members who never ordered. */
    rScore: integer('r_score').notNull().default(0),
    fScore: integer('f_score').notNull().default(0),
    mScore: integer('m_score').notNull().default(0),
    rfmSegment: text('rfm_segment', { enum: RFM_SEGMENTS }).notNull().default('none'),
    lifecycle: text('lifecycle', { enum: LIFECYCLE_STAGES }).notNull().default('new'),
    /** Customer lifetime value estimate in cents (average order value x yearly frequency x expected years). */
    clvCents: integer('clv_cents').notNull().default(0),
    computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('member_analytics_rfm_idx').on(t.rfmSegment),
    index('member_analytics_lifecycle_idx').on(t.lifecycle),
    index('member_analytics_last_order_idx').on(t.lastOrderAt),
    index('member_analytics_monetary_idx').on(t.monetaryCents),
  ],
);

/** A variant of a campaign: its share of the non-holdout audience and its template per locale. */
export interface CampaignVariant {
  key: string;
  /** Percent of the audience (variants plus holdout add up to 100). */
  split: number;
  templates: Partial<Record<'zh-CN' | 'en', string>>;
}

export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
    /** The segment it was built from (if saved) and a snapshot of its definition, fixed at creation/update. */
    segmentId: text('segment_id'),
    segment: text('segment', { mode: 'json' }).$type<unknown>().notNull(),
    variants: text('variants', { mode: 'json' }).$type<CampaignVariant[]>().notNull(),
    /** Percent of the audience held out as a control group (receives nothing). */
    holdoutPct: integer('holdout_pct').notNull().default(0),
    scheduleAt: integer('schedule_at', { mode: 'timestamp_ms' }),
    costPerMessageCents: integer('cost_per_message_cents').notNull().default(0),
    attributionDays: integer('attribution_days').notNull().default(7),
    createdBy: text('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    launchedAt: integer('launched_at', { mode: 'timestamp_ms' }),
    /** Set once every delivery row is planned; planning resumes from `plannedThrough` after a crash. */
    plannedAt: integer('planned_at', { mode: 'timestamp_ms' }),
    plannedThrough: text('planned_through'),
    plannedCount: integer('planned_count').notNull().default(0),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('campaigns_status_idx').on(t.status)],
);

/** The durable outbox: one row per (campaign, member), claimed by dispatchers with a lease. */
export const campaignDeliveries = sqliteTable(
  'campaign_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: text('campaign_id').notNull(),
    memberId: text('member_id').notNull(),
    /** A variant key, or 'holdout'. */
    variant: text('variant').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('planned'),
    /** no_consent | cap | quiet_hours | no_channel | holdout | the channel's refusal (outside_window, ...). */
    skipReason: text('skip_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    claimToken: text('claim_token'),
    claimedUntil: integer('claimed_until'),
    plannedAt: integer('planned_at').notNull(),
    sentAt: integer('sent_at'),
    channelId: text('channel_id'),
    conversationId: text('conversation_id'),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('campaign_deliveries_member_uq').on(t.campaignId, t.memberId),
    index('campaign_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    // Frequency caps count a member's sent marketing messages; planned rows never enter this index.
    index('campaign_deliveries_sent_idx').on(t.memberId, t.sentAt).where(sql`sent_at is not null`),
  ],
);

export type Segment = typeof segments.$inferSelect;
export type MemberAnalytics = typeof memberAnalytics.$inferSelect;
export type Campaign = typeof campaigns.$inferSelect;
export type CampaignDelivery = typeof campaignDeliveries.$inferSelect;
