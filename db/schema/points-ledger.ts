// Points ledger: append-only entries (earn, redeem, expire, adjust, reverse) and the earn lots they draw on.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from './members.js';

export const LEDGER_KINDS = ['earn', 'redeem', 'expire', 'adjust', 'reverse'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const pointsLedger = sqliteTable(
  'points_ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    /** Signed: positive adds to the balance, negative takes from it. */
    points: integer('points').notNull(),
    /** What caused it: order id, coupon id, job name. */
    sourceType: text('source_type').notNull(),
    sourceRef: text('source_ref').notNull(),
    /** Every retried write carries one; the unique index makes a retry a no-op. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    note: text('note'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Earn entries only: when what is left of them expires. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('points_ledger_member_idx').on(t.memberId, t.createdAt), index('points_ledger_source_idx').on(t.sourceType, t.sourceRef)],
);

/**
 * What is left of each earn entry. Ledger rows never change; spending, expiry and reversals draw lots
 * down oldest-first here, so "expiring points" is an indexed sum instead of a replay of the ledger.
 */
export const pointLots = sqliteTable(
  'point_lots',
  {
    ledgerId: integer('ledger_id')
      .primaryKey()
      .references(() => pointsLedger.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    remaining: integer('remaining').notNull(),
    earnedAt: integer('earned_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('point_lots_member_idx').on(t.memberId, t.expiresAt), index('point_lots_expiry_idx').on(t.expiresAt)],
);

export type LedgerEntry = typeof pointsLedger.$inferSelect;
