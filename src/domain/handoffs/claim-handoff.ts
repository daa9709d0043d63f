// Claim a pending handoff: one conditional UPDATE decides the winner, so two agents claiming at once get one owner.
import { and, eq } from 'drizzle-orm';
import { conversations, handoffs, staff, type Handoff } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

/**
 * `UPDATE ... WHERE status = 'pending'` claims atomically (the database checks and changes in one statement);
 * the loser sees no row and gets a 409 naming who won. The conversation passes to the agent in the same
 * transaction, so the assistant goes quiet exactly when the claim succeeds.
 */
export const claimHandoff: Verb<{ handoffId: string; staffId: string }, Handoff> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const result = await ctx.store.write(async (tx) => {
    const [claimed] = await tx
      .update(handoffs)
      .set({ status: 'assigned', agentId: input.staffId, claimedAt: now, updatedAt: now })
      .where(and(eq(handoffs.id, input.handoffId), eq(handoffs.status, 'pending')))
      .returning();
    if (!claimed) {
      const [current] = await tx
        .select({ h: handoffs, agent: staff.name })
        .from(handoffs)
        .leftJoin(staff, eq(staff.id, handoffs.agentId))
        .where(eq(handoffs.id, input.handoffId))
        .limit(1);
      if (!current) throw new DomainError('not_found', 'No such handoff');
      if (current.h.status === 'assigned') {
        throw new DomainError(
          'conflict',
          current.h.agentId === input.staffId
            ? 'You already have this conversation'
            : `Already claimed by ${current.agent ?? 'another agent'}`,
        );
      }
      throw new DomainError('conflict', `This handoff is ${current.h.status}`);
    }
    await tx.update(conversations).set({ owner: 'human' }).where(eq(conversations.id, claimed.conversationId));
    await appendHandoffEvent(tx, ctx, claimed.id, 'claimed', { agentId: input.staffId });
    return claimed;
  });
  notifyHandoffEvents(ctx);
  return result;
};
