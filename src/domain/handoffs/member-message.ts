// A member's message while a person handles (or is about to handle) the conversation: transcript and agent stream.
import { eq, sql } from 'drizzle-orm';
import { conversations, handoffs, messages } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

export interface MemberMessageInput {
  handoffId: string;
  conversationId: string;
  channelId: string;
  channelUserId: string;
  memberId: string;
  activityId?: string;
  text: string;
}

/** One transaction: the transcript line, the handoff's last-message time, and the event agents see. */
export const recordHandoffMemberMessage: Verb<MemberMessageInput, { messageId: number }> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const r = await ctx.store.write(async (tx) => {
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
    const [m] = await tx
      .insert(messages)
      .values({
        conversationId: input.conversationId,
        direction: 'in',
        author: 'member',
        activityId: input.activityId,
        text: input.text,
        intent: 'handoff_message',
        createdAt: now,
      })
      .returning({ id: messages.id });
    await tx.update(handoffs).set({ lastMemberMessageAt: now, updatedAt: now }).where(eq(handoffs.id, input.handoffId));
    await appendHandoffEvent(tx, ctx, input.handoffId, 'message', { messageId: m.id });
    return { messageId: m.id };
  });
  notifyHandoffEvents(ctx);
  return r;
};
