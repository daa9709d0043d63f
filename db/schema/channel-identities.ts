// Channel identities: which member a channel user is, and the one-time codes that link them.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from './members.js';

export const channelIdentities = sqliteTable(
  'channel_identities',
  {
    channelId: text('channel_id').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    verifiedAt: integer('verified_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.channelUserId] }), index('channel_identities_member_idx').on(t.memberId)],
);

/** One-time link codes issued by the shop's account page; a code binds the channel user who sends it. */
export const linkCodes = sqliteTable('link_codes', {
  code: text('code').primaryKey(),
  memberId: text('member_id')
    .notNull()
    .references(() => members.id),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export type ChannelIdentity = typeof channelIdentities.$inferSelect;
