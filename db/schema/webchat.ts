// The built-in web chat's outbox: proactive messages (agent replies, surveys) waiting for the member's page.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const webchatOutbox = sqliteTable(
  'webchat_outbox',
  {
    /** Also the page's cursor: it asks for everything after the last id it showed. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Pipeline conversation id (`web:<session conversation>`). */
    conversationId: text('conversation_id').notNull(),
    author: text('author', { enum: ['bot', 'agent'] }).notNull(),
    /** The agent's display name, when an agent wrote it. */
    authorName: text('author_name'),
    text: text('text').notNull(),
    suggestions: text('suggestions', { mode: 'json' }).$type<{ title: string; value: string }[]>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** The sender's idempotency key plus the reply's position (`<key>#<n>`): a resent message is stored once. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    index('webchat_outbox_conversation_idx').on(t.conversationId, t.id),
    index('webchat_outbox_created_idx').on(t.createdAt),
    uniqueIndex('webchat_outbox_idempotency_uq').on(t.idempotencyKey).where(sql`idempotency_key is not null`),
  ],
);

export type WebchatOutboxRow = typeof webchatOutbox.$inferSelect;
