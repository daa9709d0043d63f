// The member cancels a handoff that no agent has taken yet ("取消" / "cancel").
import { and, eq } from 'drizzle-orm';
import { handoffs, type Handoff } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

/** Returns the cancelled handoff, or null when it was no longer pending (an agent took it a moment earlier). */
export const cancelHandoff: Verb<{ handoffId: string }, Handoff | null> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const h = await ctx.store.write(async (tx) => {
    const [cancelled] = await tx
      .update(handoffs)
      .set({ status: 'cancelled', cancelledAt: now, updatedAt: now })
      .where(and(eq(handoffs.id, input.handoffId), eq(handoffs.status, 'pending')))
      .returning();
    if (cancelled) await appendHandoffEvent(tx, ctx, cancelled.id, 'cancelled', { by: 'member' });
    return cancelled ?? null;
  });
  if (h) notifyHandoffEvents(ctx);
  return h;
};
