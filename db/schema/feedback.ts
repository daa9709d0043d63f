// Member feedback: CSAT and NPS answers, free text and complaints (categorized, with sentiment), and the surveys asked.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const FEEDBACK_CATEGORIES = ['product', 'delivery', 'service', 'points', 'app', 'other'] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export type Sentiment = 'positive' | 'neutral' | 'negative';

export const feedback = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: text('member_id').notNull(),
    conversationId: text('conversation_id'),
    kind: text('kind', { enum: ['csat', 'nps', 'text', 'complaint'] }).notNull(),
    score: integer('score'),
    /** The member's words (a rating's optional comment). */
    text: text('text'),
    sentiment: text('sentiment', { enum: ['positive', 'neutral', 'negative'] }),
    category: text('category', { enum: FEEDBACK_CATEGORIES }),
    /** The survey this answers (one answer per survey: a repeated rating updates it, never adds one). */
    surveyId: text('survey_id'),
    /** The handoff a CSAT rates, and the agent who handled it (for per-agent reports). */
    handoffId: text('handoff_id'),
    agentId: text('agent_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('feedback_member_idx').on(t.memberId, t.createdAt),
    uniqueIndex('feedback_survey_idx').on(t.surveyId),
    index('feedback_kind_idx').on(t.kind, t.createdAt),
    index('feedback_agent_idx').on(t.agentId, t.createdAt),
  ],
);

/** A question put to a member (CSAT after a handoff, NPS from an agent or a broadcast) and whether they answered. */
export const surveys = sqliteTable(
  'surveys',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['csat', 'nps'] }).notNull(),
    memberId: text('member_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    handoffId: text('handoff_id'),
    agentId: text('agent_id'),
    /** handoff | agent | broadcast | api: who asked. */
    source: text('source').notNull(),
    /** Caller's key (e.g. a broadcast's `campaign:member`): asking twice with it sends once. */
    idempotencyKey: text('idempotency_key'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
    /** Answers after this are ordinary messages again. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    score: integer('score'),
    /** After a rating, the member's next words (within a few minutes) are taken as its comment. */
    commentUntil: integer('comment_until', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('surveys_conversation_idx').on(t.conversationId, t.sentAt),
    index('surveys_member_idx').on(t.memberId, t.sentAt),
    uniqueIndex('surveys_handoff_idx').on(t.handoffId),
    uniqueIndex('surveys_idempotency_idx').on(t.idempotencyKey),
  ],
);

export type Feedback = typeof feedback.$inferSelect;
export type Survey = typeof surveys.$inferSelect;
