// Internal notes on a handoff (members never see them).
import { asc, eq } from 'drizzle-orm';
import { handoffNotes, handoffs, staff, type HandoffNote } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

export const addHandoffNote: Verb<{ handoffId: string; staffId: string; text: string }, HandoffNote> = async ({ ctx, input }) => {
  const text = input.text.trim();
  if (!text) throw new DomainError('bad_request', 'A note needs some text');
  const note = await ctx.store.write(async (tx) => {
    const [h] = await tx.select({ id: handoffs.id }).from(handoffs).where(eq(handoffs.id, input.handoffId)).limit(1);
    if (!h) throw new DomainError('not_found', 'No such handoff');
    const [row] = await tx
      .insert(handoffNotes)
      .values({ handoffId: input.handoffId, staffId: input.staffId, text: text.slice(0, 4000), createdAt: ctx.clock() })
      .returning();
    await appendHandoffEvent(tx, ctx, input.handoffId, 'note', { noteId: row.id });
    return row;
  });
  notifyHandoffEvents(ctx);
  return note;
};

export const listHandoffNotes: Verb<{ handoffId: string }, (HandoffNote & { staffName: string | null })[]> = async ({ ctx, input }) => {
  const rows = await ctx.store.db
    .select({ note: handoffNotes, staffName: staff.name })
    .from(handoffNotes)
    .leftJoin(staff, eq(staff.id, handoffNotes.staffId))
    .where(eq(handoffNotes.handoffId, input.handoffId))
    .orderBy(asc(handoffNotes.id));
  return rows.map((r) => ({ ...r.note, staffName: r.staffName }));
};
