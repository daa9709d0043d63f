// Members: the people in the loyalty program, with locale, time zone, consent and cached tier/balance.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    locale: text('locale', { enum: ['zh-CN', 'en'] })
      .notNull()
      .default('zh-CN'),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    /** ISO date YYYY-MM-DD, no time zone (a calendar fact). */
    birthday: text('birthday'),
    email: text('email'),
    phone: text('phone'),
    marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
    marketingConsentAt: integer('marketing_consent_at', { mode: 'timestamp_ms' }),
    /** Cached from the tier review; the rules live in src/domain/loyalty. */
    tierCode: text('tier_code').notNull().default('regular'),
    tierSince: integer('tier_since', { mode: 'timestamp_ms' }),
    /** Cached sum of the ledger, updated in the same transaction as every ledger write. */
    pointsBalance: integer('points_balance').notNull().default(0),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Set when the member's personal data was erased (src/domain/privacy): the row stays as a tombstone for the ledger. */
    erasedAt: integer('erased_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('members_tier_idx').on(t.tierCode)],
);

export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
