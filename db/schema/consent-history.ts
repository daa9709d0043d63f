// Consent history: one append-only row per change of a member's marketing consent (who, how, where, when).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from './members.js';

export const CONSENT_SOURCES = ['chat', 'console', 'api', 'import'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const consentHistory = sqliteTable(
  'consent_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    /** The consent after this change: true = opted in to marketing, false = opted out. */
    granted: integer('granted', { mode: 'boolean' }).notNull(),
    /** chat: the member's own words (STOP, 订阅...); console/api: staff; import: a seed or bulk load. */
    source: text('source', { enum: CONSENT_SOURCES }).notNull(),
    /** The channel the member wrote from (chat), else null. */
    channelId: text('channel_id'),
    /** Who changed it: the member id (chat) or the staff id (console, api); null for an import. */
    actor: text('actor'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('consent_history_member_idx').on(t.memberId, t.createdAt)],
);

export type ConsentChange = typeof consentHistory.$inferSelect;
