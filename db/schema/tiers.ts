// Tiers: thresholds on rolling 12-month spend, earn multipliers and benefits per locale.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const tiers = sqliteTable('tiers', {
  code: text('code').primaryKey(),
  rank: integer('rank').notNull().unique(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  /** Rolling 12-month spend needed, in cents. */
  thresholdCents: integer('threshold_cents').notNull(),
  /** Earn multiplier in percent (120 = 1.2x), an integer so points math stays exact. */
  multiplierPct: integer('multiplier_pct').notNull(),
  benefitsZh: text('benefits_zh', { mode: 'json' }).$type<string[]>().notNull(),
  benefitsEn: text('benefits_en', { mode: 'json' }).$type<string[]>().notNull(),
});

export type Tier = typeof tiers.$inferSelect;
