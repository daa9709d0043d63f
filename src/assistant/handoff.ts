// Handoffs from inside a turn: tools open one, and the member is told what happens in a fixed, templated reply.
import type { HandoffReason } from '../../db/schema/index.js';
import { formatForMember, requestHandoff, type HandoffOutcome } from '../domain/handoffs/index.js';
import { countOf, render } from './templates.js';
import type { OutboundReply, TurnCtx } from './types.js';

/** The outcome of a handoff opened during a turn, keyed by the turn's context (gone with the turn). */
const outcomes = new WeakMap<TurnCtx, HandoffOutcome>();

/** Opens (or finds) the member's handoff from this conversation and remembers the outcome for the reply. */
export async function openHandoff(
  ctx: TurnCtx,
  reason: HandoffReason,
  prefer: 'live' | 'ticket' = 'live',
  feedbackId?: number,
): Promise<HandoffOutcome> {
  const outcome = await requestHandoff({
    ctx: ctx.domain,
    input: {
      memberId: ctx.member.id,
      conversationId: ctx.conversationId,
      channelId: ctx.channelId,
      lang: ctx.lang,
      reason,
      prefer,
      feedbackId,
    },
  });
  outcomes.set(ctx, outcome);
  return outcome;
}

/** Records an outcome produced elsewhere (a complaint's ticket opened by submitFeedback). */
export function noteHandoffOutcome(ctx: TurnCtx, outcome: HandoffOutcome): void {
  outcomes.set(ctx, outcome);
}

/** The outcome of a handoff opened in this turn, left in place (the turn gate takes it afterwards). */
export function peekHandoffOutcome(ctx: TurnCtx): HandoffOutcome | undefined {
  return outcomes.get(ctx);
}

/** The outcome of a handoff opened in this turn, once. */
export function takeHandoffOutcome(ctx: TurnCtx): HandoffOutcome | undefined {
  const o = outcomes.get(ctx);
  outcomes.delete(ctx);
  return o;
}

/**
 * What the member is told: queue position and expected wait, or (outside business hours) that a ticket was left
 * and when to expect an answer, in their time zone. Like the redemption confirmation, the model never words it.
 */
export function handoffReply(ctx: Pick<TurnCtx, 'lang' | 'member'>, o: HandoffOutcome): OutboundReply {
  const r = (key: Parameters<typeof render>[1], vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
  switch (o.kind) {
    case 'queued': {
      const cancel = r('suggest_cancel_handoff');
      return {
        text: r('handoff_queued', { position: o.position, minutes: countOf(ctx.lang, o.waitMinutes, 'minute') }),
        suggestions: [{ title: cancel, value: ctx.lang === 'zh-CN' ? '取消' : 'cancel' }],
      };
    }
    case 'after_hours':
      return {
        text: o.opensAt
          ? r('handoff_after_hours', { hours: o.hours, opens: formatForMember(o.opensAt, ctx.member.timeZone, ctx.lang) })
          : r('handoff_after_hours_unknown'),
      };
    case 'ticket':
      return { text: r('handoff_ticket') };
    case 'with_agent':
      return { text: r('handoff_with_agent') };
  }
}
