// Put an assigned handoff back in the queue (end of shift, wrong team): the assistant stays quiet while it waits.
import { and, eq } from 'drizzle-orm';
import { conversations, handoffs, type Handoff } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

export const releaseHandoff: Verb<{ handoffId: string; staffId: string; asAdmin?: boolean }, Handoff> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const h = await ctx.store.write(async (tx) => {
    const owner = input.asAdmin ? undefined : eq(handoffs.agentId, input.staffId);
    const [released] = await tx
      .update(handoffs)
      .set({ status: 'pending', mode: 'live', agentId: null, claimedAt: null, updatedAt: now })
      .where(and(eq(handoffs.id, input.handoffId), eq(handoffs.status, 'assigned'), owner))
      .returning();
    if (!released) throw new DomainError('conflict', 'Only the agent who has this conversation (or an admin) can return it');
    await tx.update(conversations).set({ owner: 'bot' }).where(eq(conversations.id, released.conversationId));
    await appendHandoffEvent(tx, ctx, released.id, 'released', { by: input.staffId });
    return released;
  });
  notifyHandoffEvents(ctx);
  return h;
};
