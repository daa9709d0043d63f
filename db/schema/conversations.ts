// Conversations, their transcript and the channel references needed to message a member later.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const conversations = sqliteTable(
  'conversations',
  {
    /** `${channelId}:${channel conversation id}` */
    id: text('id').primaryKey(),
    channelId: text('channel_id').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    memberId: text('member_id'),
    /** Who answers: the assistant or a human agent (handoff). */
    owner: text('owner', { enum: ['bot', 'human'] })
      .notNull()
      .default('bot'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('conversations_member_idx').on(t.memberId)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    /** in: the channel's activity id; out: null. */
    activityId: text('activity_id'),
    text: text('text').notNull(),
    intent: text('intent'),
    author: text('author', { enum: ['member', 'bot', 'agent'] }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    // The retention job (purge-transcripts) walks messages oldest first.
    index('messages_created_idx').on(t.createdAt),
  ],
);

/** Bot Framework ConversationReference (or another channel's equivalent) as JSON, for proactive messages. */
export const conversationReferences = sqliteTable(
  'conversation_references',
  {
    conversationId: text('conversation_id').primaryKey(),
    channelId: text('channel_id').notNull(),
    memberId: text('member_id'),
    reference: text('reference', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // Broadcasts look up a member's references (and segments filter on channel) by member.
  (t) => [index('conversation_references_member_idx').on(t.memberId, t.channelId)],
);

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
