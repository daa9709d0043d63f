// Coupons the program offers (some bought with points) and the ones each member holds.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from './members.js';

export const coupons = sqliteTable('coupons', {
  id: text('id').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  /** Discount in cents off an order of at least minSpendCents. */
  valueCents: integer('value_cents').notNull(),
  minSpendCents: integer('min_spend_cents').notNull().default(0),
  /** Points needed to redeem it in chat; null when it cannot be bought with points. */
  pointsCost: integer('points_cost'),
  validDays: integer('valid_days').notNull().default(30),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
});

export const memberCoupons = sqliteTable(
  'member_coupons',
  {
    id: text('id').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    couponId: text('coupon_id')
      .notNull()
      .references(() => coupons.id),
    status: text('status', { enum: ['available', 'used', 'expired'] })
      .notNull()
      .default('available'),
    source: text('source', { enum: ['redeem', 'gift', 'campaign'] }).notNull(),
    /** The redemption (or gift) key; the same key never issues a second coupon. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
    /** The shop order that used it (the order event's `coupons`); a refund or cancellation of that order gives it back. */
    usedOrderId: text('used_order_id'),
  },
  (t) => [index('member_coupons_member_idx').on(t.memberId, t.status)],
);

export type Coupon = typeof coupons.$inferSelect;
export type MemberCoupon = typeof memberCoupons.$inferSelect;
