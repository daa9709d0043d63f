// Transcript: persist a turn's inbound message and replies, and the channel reference for later sends.
import { sql } from 'drizzle-orm';
import { conversationReferences, conversations, messages } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface RecordTurnInput {
  conversationId: string;
  channelId: string;
  channelUserId: string;
  memberId: string | null;
  activityId?: string;
  inbound?: string;
  intent?: string;
  replies: string[];
}

/** One transaction: upsert the conversation, append the messages. */
export const recordTurn: Verb<RecordTurnInput, void> = async ({ ctx, input }) => {
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insert(conversations)
      .values({
        id: input.conversationId,
        channelId: input.channelId,
        channelUserId: input.channelUserId,
        memberId: input.memberId,
        createdAt: now,
        lastActivityAt: now,
      })
      .onConflictDoUpdate({
        target: conversations.id,
        set: { lastActivityAt: now, memberId: sql`coalesce(${conversations.memberId}, excluded.member_id)` },
      });
    const rows: (typeof messages.$inferInsert)[] = [];
    if (input.inbound !== undefined) {
      rows.push({
        conversationId: input.conversationId,
        direction: 'in',
        author: 'member',
        activityId: input.activityId,
        text: input.inbound,
        intent: input.intent,
        createdAt: now,
      });
    }
    for (const text of input.replies)
      rows.push({ conversationId: input.conversationId, direction: 'out', author: 'bot', text, createdAt: now });
    if (rows.length) await tx.insert(messages).values(rows);
  });
};

/** Stores (or refreshes) how to reach this conversation proactively. */
export const saveConversationReference: Verb<
  { conversationId: string; channelId: string; memberId: string | null; reference: Record<string, unknown> },
  void
> = async ({ ctx, input }) => {
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insert(conversationReferences)
      .values({ ...input, updatedAt: now })
      .onConflictDoUpdate({
        target: conversationReferences.conversationId,
        set: { reference: input.reference, memberId: input.memberId, updatedAt: now },
      });
  });
};
