// Member feedback: CSAT, NPS, free text and complaints.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const feedback = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: text('member_id').notNull(),
    conversationId: text('conversation_id'),
    kind: text('kind', { enum: ['csat', 'nps', 'text', 'complaint'] }).notNull(),
    score: integer('score'),
    text: text('text'),
    sentiment: text('sentiment', { enum: ['positive', 'neutral', 'negative'] }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('feedback_member_idx').on(t.memberId, t.createdAt)],
);

export type Feedback = typeof feedback.$inferSelect;
