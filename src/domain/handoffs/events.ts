// Handoff events: an ordered log the agent inbox streams (SSE) and replays from after a reconnect.
import { and, asc, desc, gt, lt } from 'drizzle-orm';
import { handoffEvents, type HandoffEvent } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import { signalsFor } from '../../lib/signal.js';
import type { DomainCtx, Verb } from '../context.js';

export const HANDOFF_SIGNAL = 'handoff-events';

export type HandoffEventType =
  | 'created'
  | 'moved'
  | 'message'
  | 'claimed'
  | 'released'
  | 'reply'
  | 'delivery'
  | 'note'
  | 'resolved'
  | 'cancelled'
  | 'timed_out'
  | 'rated';

/** Appends an event inside the caller's transaction (so it exists exactly when the change does). */
export async function appendHandoffEvent(
  tx: Tx,
  ctx: DomainCtx,
  handoffId: string,
  type: HandoffEventType,
  data?: Record<string, unknown>,
): Promise<void> {
  await tx.insert(handoffEvents).values({ handoffId, type, data: data ?? null, createdAt: ctx.clock() });
}

/** Wakes this process's event streams; call after the transaction committed. */
export function notifyHandoffEvents(ctx: DomainCtx): void {
  signalsFor(ctx.store).notify(HANDOFF_SIGNAL);
}

export const listHandoffEventsAfter: Verb<{ after: number; limit?: number }, HandoffEvent[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(handoffEvents)
    .where(gt(handoffEvents.id, input.after))
    .orderBy(asc(handoffEvents.id))
    .limit(Math.min(input.limit ?? 200, 1000));

/** The newest event id (a stream that starts now begins after it). */
export async function latestHandoffEventId(ctx: DomainCtx): Promise<number> {
  const [row] = await ctx.store.db.select({ id: handoffEvents.id }).from(handoffEvents).orderBy(desc(handoffEvents.id)).limit(1);
  return row?.id ?? 0;
}

/** Drops events older than `days` (streams only replay recent history). */
export const pruneHandoffEvents: Verb<{ days: number }, number> = async ({ ctx, input }) => {
  const before = new Date(ctx.clock().getTime() - input.days * 86_400_000);
  return ctx.store.write(async (tx) => {
    const rows = await tx
      .delete(handoffEvents)
      .where(and(lt(handoffEvents.createdAt, before)))
      .returning({ id: handoffEvents.id });
    return rows.length;
  });
};
