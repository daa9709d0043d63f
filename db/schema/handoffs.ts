// Human handoff: a member's request for a person (live in chat or a ticket), its notes, agent replies and events.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from './members.js';
import { staff } from './staff.js';

export const HANDOFF_STATUSES = ['pending', 'assigned', 'resolved', 'cancelled'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];
export const HANDOFF_REASONS = ['member_request', 'complaint', 'bot_failure', 'assistant'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

export const handoffs = sqliteTable(
  'handoffs',
  {
    id: text('id').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    /** The pipeline conversation (`${channelId}:${channel conversation id}`) replies go to. */
    conversationId: text('conversation_id').notNull(),
    channelId: text('channel_id').notNull(),
    /** Which team's hours and language apply. */
    locale: text('locale', { enum: ['zh-CN', 'en'] }).notNull(),
    /** pending (in the queue) -> assigned (an agent owns the conversation) -> resolved; or cancelled by the member. */
    status: text('status', { enum: HANDOFF_STATUSES }).notNull(),
    /**
     * live: the member is waiting in chat and the assistant stays quiet; ticket: left for follow-up (outside
     * business hours, queue timeout, a complaint) while the assistant keeps answering.
     */
    mode: text('mode', { enum: ['live', 'ticket'] }).notNull(),
    reason: text('reason', { enum: HANDOFF_REASONS }).notNull(),
    /** The complaint that opened it, if any. */
    feedbackId: integer('feedback_id'),
    agentId: text('agent_id').references(() => staff.id),
    requestedAt: integer('requested_at', { mode: 'timestamp_ms' }).notNull(),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
    /** When the live wait ran out (it then became a ticket). */
    timedOutAt: integer('timed_out_at', { mode: 'timestamp_ms' }),
    /** For tickets: when the member was told to expect an answer (the team's next opening). */
    replyBy: integer('reply_by', { mode: 'timestamp_ms' }),
    lastMemberMessageAt: integer('last_member_message_at', { mode: 'timestamp_ms' }),
    /** The agent's closing note (internal). */
    resolutionNote: text('resolution_note'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // At most one open handoff per member (so per conversation too); the database enforces it under races.
    uniqueIndex('handoffs_open_member_idx').on(t.memberId).where(sql`status in ('pending', 'assigned')`),
    index('handoffs_status_idx').on(t.status, t.requestedAt),
    index('handoffs_conversation_idx').on(t.conversationId, t.requestedAt),
    index('handoffs_agent_idx').on(t.agentId, t.claimedAt),
    index('handoffs_requested_idx').on(t.requestedAt),
  ],
);

/** Internal notes agents leave on a handoff; members never see them. */
export const handoffNotes = sqliteTable(
  'handoff_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: text('handoff_id')
      .notNull()
      .references(() => handoffs.id),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    text: text('text').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('handoff_notes_handoff_idx').on(t.handoffId, t.id)],
);

/**
 * Messages sent to the member on a handoff's behalf (agent replies, the "agent joined" notice, the queue-timeout
 * apology, the CSAT question) with their delivery state: failures are shown to the agent and retried.
 */
export const handoffDeliveries = sqliteTable(
  'handoff_deliveries',
  {
    id: text('id').primaryKey(),
    handoffId: text('handoff_id')
      .notNull()
      .references(() => handoffs.id),
    conversationId: text('conversation_id').notNull(),
    kind: text('kind', { enum: ['agent', 'notice', 'csat'] }).notNull(),
    staffId: text('staff_id'),
    text: text('text').notNull(),
    suggestions: text('suggestions', { mode: 'json' }).$type<{ title: string; value: string }[]>(),
    /** The agent UI's id for a send: a retried POST delivers once. */
    clientMessageId: text('client_message_id'),
    /** The transcript row (messages.id) written for it. */
    messageId: integer('message_id'),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Failed for good (4xx, no reference) vs. will be retried at nextAttemptAt. */
    retryable: integer('retryable', { mode: 'boolean' }).notNull().default(true),
    lastError: text('last_error'),
    httpStatus: integer('http_status'),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('handoff_deliveries_client_idx').on(t.handoffId, t.clientMessageId),
    index('handoff_deliveries_handoff_idx').on(t.handoffId, t.createdAt),
    index('handoff_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** What changed, in order: the agent inbox's live stream (SSE) replays from here after a reconnect. */
export const handoffEvents = sqliteTable(
  'handoff_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: text('handoff_id').notNull(),
    type: text('type').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('handoff_events_created_idx').on(t.createdAt)],
);

/** Reply templates agents pick from, per locale; `{{name}}` and `{{agent}}` are filled in. */
export const cannedReplies = sqliteTable(
  'canned_replies',
  {
    id: text('id').primaryKey(),
    locale: text('locale', { enum: ['zh-CN', 'en'] }).notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('canned_replies_locale_idx').on(t.locale, t.title)],
);

export type Handoff = typeof handoffs.$inferSelect;
export type HandoffNote = typeof handoffNotes.$inferSelect;
export type HandoffDelivery = typeof handoffDeliveries.$inferSelect;
export type HandoffEvent = typeof handoffEvents.$inferSelect;
export type CannedReply = typeof cannedReplies.$inferSelect;
