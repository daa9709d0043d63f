// Resolve: the agent is done; the conversation goes back to the assistant (the caller then asks for a rating).
import { and, eq } from 'drizzle-orm';
import { conversations, handoffs, type Handoff } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

export const resolveHandoff: Verb<{ handoffId: string; staffId: string; asAdmin?: boolean; note?: string }, Handoff> = async ({
  ctx,
  input,
}) => {
  const now = ctx.clock();
  const h = await ctx.store.write(async (tx) => {
    const owner = input.asAdmin ? undefined : eq(handoffs.agentId, input.staffId);
    const [resolved] = await tx
      .update(handoffs)
      .set({ status: 'resolved', resolvedAt: now, resolutionNote: input.note?.slice(0, 2000) || null, updatedAt: now })
      .where(and(eq(handoffs.id, input.handoffId), eq(handoffs.status, 'assigned'), owner))
      .returning();
    if (!resolved) {
      const [current] = await tx.select().from(handoffs).where(eq(handoffs.id, input.handoffId)).limit(1);
      if (!current) throw new DomainError('not_found', 'No such handoff');
      if (current.status === 'pending') throw new DomainError('conflict', 'Claim the handoff before resolving it');
      if (current.status === 'assigned') throw new DomainError('forbidden', 'Another agent has this conversation');
      throw new DomainError('conflict', `This handoff is already ${current.status}`);
    }
    await tx.update(conversations).set({ owner: 'bot' }).where(eq(conversations.id, resolved.conversationId));
    await appendHandoffEvent(tx, ctx, resolved.id, 'resolved', { by: input.staffId });
    return resolved;
  });
  notifyHandoffEvents(ctx);
  return h;
};
