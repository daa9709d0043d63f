// Move an open handoff to the conversation the member is in now, so agent replies reach them there.
import { and, eq, inArray } from 'drizzle-orm';
import { conversations, handoffs, type Handoff } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import type { DomainCtx, Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';
import { OPEN_STATUSES } from './queue.js';

/** Inside a transaction: re-points the handoff and, when an agent holds it, the ownership of both conversations. */
export async function moveHandoffTx(
  tx: Tx,
  ctx: DomainCtx,
  h: Handoff,
  to: { conversationId: string; channelId: string },
): Promise<Handoff> {
  if (h.conversationId === to.conversationId) return h;
  const [moved] = await tx
    .update(handoffs)
    .set({ conversationId: to.conversationId, channelId: to.channelId, updatedAt: ctx.clock() })
    .where(and(eq(handoffs.id, h.id), inArray(handoffs.status, OPEN_STATUSES)))
    .returning();
  if (!moved) return h;
  if (moved.status === 'assigned') {
    await tx.update(conversations).set({ owner: 'bot' }).where(eq(conversations.id, h.conversationId));
    await tx.update(conversations).set({ owner: 'human' }).where(eq(conversations.id, to.conversationId));
  }
  await appendHandoffEvent(tx, ctx, moved.id, 'moved', { from: h.conversationId, to: to.conversationId });
  return moved;
}

/**
 * The member's open handoff on `channelId`, moved to their new conversation there (a new web chat session);
 * null when there is none. Returns the handoff as it was before the move too, so the channel can carry over
 * what was already sent to the old conversation.
 */
export const followMemberToConversation: Verb<
  { memberId: string; channelId: string; conversationId: string },
  { before: Handoff; after: Handoff } | null
> = async ({ ctx, input }) => {
  const r = await ctx.store.write(async (tx) => {
    const [h] = await tx
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.memberId, input.memberId), eq(handoffs.channelId, input.channelId), inArray(handoffs.status, OPEN_STATUSES)))
      .limit(1);
    if (!h || h.conversationId === input.conversationId) return null;
    return { before: h, after: await moveHandoffTx(tx, ctx, h, input) };
  });
  if (r) notifyHandoffEvents(ctx);
  return r;
};
