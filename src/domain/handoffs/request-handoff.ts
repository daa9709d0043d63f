// Open a handoff (or report the open one): live in the queue during business hours, otherwise a ticket.
import { and, eq } from 'drizzle-orm';
import { handoffs, type Handoff, type HandoffReason } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { describeHours, isOpen, nextOpening } from './business-hours.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';
import { moveHandoffTx } from './move-handoff.js';
import { expectedWaitMinutes, openHandoffOfMember, queuePosition } from './queue.js';
import { getHandoffSettings } from './settings.js';

export interface RequestHandoffInput {
  memberId: string;
  conversationId: string;
  channelId: string;
  lang: 'zh-CN' | 'en';
  reason: HandoffReason;
  /** live: the member wants a person now (queued when the team is in); ticket: follow up later in any case. */
  prefer: 'live' | 'ticket';
  feedbackId?: number;
}

/** What the member should be told. */
export type HandoffOutcome =
  | { kind: 'queued'; handoff: Handoff; position: number; waitMinutes: number; created: boolean }
  | { kind: 'after_hours'; handoff: Handoff; opensAt: Date | null; hours: string; created: boolean }
  | { kind: 'ticket'; handoff: Handoff; created: boolean }
  | { kind: 'with_agent'; handoff: Handoff; created: false };

function isUniqueViolation(err: unknown): boolean {
  const text = String((err as { message?: string })?.message ?? err) + String((err as { cause?: unknown })?.cause ?? '');
  return /UNIQUE constraint failed/i.test(text);
}

/**
 * At most one open handoff per member: asking again reports the open one (and moves it to the conversation the
 * member is in now, so replies reach them there). A ticket asked for again while the team is in joins the live
 * queue. Concurrent requests are settled by the partial unique index, not by a read-then-write.
 */
export const requestHandoff: Verb<RequestHandoffInput, HandoffOutcome> = async ({ ctx, input }) => {
  const settings = await getHandoffSettings({ ctx, input: {} });
  const team = settings.hours[input.lang];
  const now = ctx.clock();
  const open = isOpen(team, now);
  const opensAt = open ? null : nextOpening(team, now);
  const wantLive = input.prefer === 'live' && open;

  const attempt = () =>
    ctx.store.write(async (tx) => {
      const existing = await openHandoffOfMember(tx, input.memberId);
      if (existing) {
        let h = await moveHandoffTx(tx, ctx, existing, { conversationId: input.conversationId, channelId: input.channelId });
        if (h.status === 'pending' && h.mode === 'ticket' && wantLive) {
          [h] = await tx
            .update(handoffs)
            .set({ mode: 'live', replyBy: null, updatedAt: now })
            .where(and(eq(handoffs.id, h.id), eq(handoffs.status, 'pending')))
            .returning();
          await appendHandoffEvent(tx, ctx, h.id, 'created', { mode: 'live', reason: h.reason, again: true });
        }
        return { handoff: h, created: false };
      }
      const [h] = await tx
        .insert(handoffs)
        .values({
          id: crypto.randomUUID(),
          memberId: input.memberId,
          conversationId: input.conversationId,
          channelId: input.channelId,
          locale: input.lang,
          status: 'pending',
          mode: wantLive ? 'live' : 'ticket',
          reason: input.reason,
          feedbackId: input.feedbackId ?? null,
          requestedAt: now,
          replyBy: wantLive ? null : opensAt,
          updatedAt: now,
        })
        .returning();
      await appendHandoffEvent(tx, ctx, h.id, 'created', { mode: h.mode, reason: h.reason, locale: h.locale });
      return { handoff: h, created: true };
    });

  let r: { handoff: Handoff; created: boolean };
  try {
    r = await attempt();
  } catch (err) {
    // Another request for the same member won the unique index: report that one.
    if (!isUniqueViolation(err)) throw err;
    r = await attempt();
  }
  notifyHandoffEvents(ctx);

  const h = r.handoff;
  if (h.status === 'assigned') return { kind: 'with_agent', handoff: h, created: false };
  if (h.mode === 'live') {
    const position = await queuePosition(ctx.store.db, h);
    return {
      kind: 'queued',
      handoff: h,
      position,
      waitMinutes: expectedWaitMinutes(position, settings.minutesPerWaitingMember),
      created: r.created,
    };
  }
  if (!open) return { kind: 'after_hours', handoff: h, opensAt, hours: describeHours(team, input.lang), created: r.created };
  return { kind: 'ticket', handoff: h, created: r.created };
};
