// Queue timeout: live requests nobody claimed in time become tickets, so the assistant resumes (with an apology).
import { and, eq, lte } from 'drizzle-orm';
import { handoffs, type Handoff } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';
import { getHandoffSettings } from './settings.js';

/** Returns the handoffs that just timed out; each stays pending as a ticket for follow-up. */
export const timeOutHandoffs: Verb<Record<string, never>, Handoff[]> = async ({ ctx }) => {
  const settings = await getHandoffSettings({ ctx, input: {} });
  const now = ctx.clock();
  const cutoff = new Date(now.getTime() - settings.queueTimeoutMinutes * 60_000);
  const candidates = await ctx.store.db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(and(eq(handoffs.status, 'pending'), eq(handoffs.mode, 'live'), lte(handoffs.requestedAt, cutoff)))
    .limit(200);
  const out: Handoff[] = [];
  for (const c of candidates) {
    // Conditional, like a claim: an agent claiming at this very moment wins and nothing times out.
    const h = await ctx.store.write(async (tx) => {
      const [row] = await tx
        .update(handoffs)
        .set({ mode: 'ticket', timedOutAt: now, updatedAt: now })
        .where(and(eq(handoffs.id, c.id), eq(handoffs.status, 'pending'), eq(handoffs.mode, 'live')))
        .returning();
      if (row) await appendHandoffEvent(tx, ctx, row.id, 'timed_out', { minutes: settings.queueTimeoutMinutes });
      return row;
    });
    if (h) out.push(h);
  }
  if (out.length) notifyHandoffEvents(ctx);
  return out;
};
