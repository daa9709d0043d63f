// The turn pipeline's handoff gate: who answers (assistant or person), cancel, ratings, auto-handoff, send-time check.
import { failsKey, handoffAckKey } from '../state/keys.js';
import { classify } from '../assistant/offline/nlu/index.js';
import { isRuledQuestion, ruledQuestion } from '../assistant/offline/rules.js';
import { handoffReply, openHandoff, takeHandoffOutcome } from '../assistant/handoff.js';
import { render, type TemplateKey } from '../assistant/templates.js';
import type { BrainReply, OutboundReply, Suggestion, TurnCtx } from '../assistant/types.js';
import type { DomainCtx } from '../domain/context.js';
import { answerSurvey, commentOnSurvey, openSurvey, parseRating, type AnswerResult } from '../domain/feedback/index.js';
import {
  agentOwnsConversation,
  cancelHandoff,
  latestHandoffOfConversation,
  queuePosition,
  recordHandoffMemberMessage,
} from '../domain/handoffs/index.js';
import type { Logger } from '../lib/log.js';
import type { StatePort } from '../state/port.js';
import type { InboundActivity } from './types.js';

/** A gate answer; `persisted` means the gate already wrote the transcript (the pipeline must not again). */
export interface GateReply extends BrainReply {
  persisted?: boolean;
}

export interface HandoffGate {
  /** Before the brain: a person owns (or is about to own) the conversation, a cancel, or a rating. Null: carry on. */
  beforeBrain(ctx: TurnCtx, text: string, activity: InboundActivity): Promise<GateReply | null>;
  /** After the brain: tell the member about a handoff opened this turn; open one after two failed answers. */
  afterBrain(ctx: TurnCtx, text: string, answer: BrainReply): Promise<BrainReply>;
  /**
   * Right before a channel sends the assistant's replies: nothing goes out while an agent holds the conversation.
   * Every channel calls this at send time (the Bot Framework route after the pipeline returns, the web chat
   * before it answers), so an agent claiming during a slow turn is never talked over.
   */
  release(conversationId: string, replies: OutboundReply[]): Promise<OutboundReply[]>;
}

/** Bare cancel words end a live wait; they also serve other flows (a pending redemption), so only then. */
const CANCEL =
  /^\s*(?:取消|取消人工|取消转人工|不用人工了|不用了|算了|cancel|cancel (?:the |my )?(?:request|handoff)|never ?mind|stop waiting)\s*[.!。！]*\s*$/i;
/** A ticket (the assistant is answering meanwhile) is withdrawn only with words that name it. */
const CANCEL_TICKET = /^\s*(?:取消人工|取消转人工|取消工单|不用人工了|cancel (?:the |my )?(?:request|handoff|ticket))\s*[.!。！]*\s*$/i;
/** Answers that mean the assistant could not help; two in a row open a handoff. */
const FAILURE_INTENTS = new Set(['out_of_scope', 'error']);
/**
 * Questions the assistant answers even inside a rating's comment window (they are not comments). Not the
 * human_agent intent: praise for the agent ("客服很耐心") reads like a request for one.
 */
const QUESTION_INTENTS = new Set([
  'points_balance',
  'points_history',
  'earn_redeem_points',
  'tier_benefits',
  'next_tier',
  'coupons',
  'order_status',
  'recommend_products',
]);
/** An unmistakable request for a person is never a comment. */
const ASK_HUMAN = /^\s*(?:转人工|人工|人工客服|找客服|human|agent|a person|talk to (?:a )?(?:person|human|agent))\s*[.!。！]*\s*$/i;
/** How long two failed answers count as "in a row". */
const FAILURE_WINDOW_SECONDS = 1800;
/** While waiting, the member is reassured at most this often (not after every line). */
const WAITING_ACK_SECONDS = 120;

const MENU: TemplateKey[] = ['suggest_points', 'suggest_tier', 'suggest_coupons', 'suggest_orders'];

function menu(ctx: TurnCtx): Suggestion[] {
  return MENU.map((k) => ({ title: render(ctx.lang, k), value: render(ctx.lang, k) }));
}

function surveyReply(ctx: TurnCtx, r: AnswerResult): OutboundReply {
  const kind = r.survey.kind;
  const key = r.status === 'unchanged' ? `${kind}_already` : r.status === 'updated' ? `${kind}_updated` : `${kind}_thanks`;
  return { text: render(ctx.lang, key as TemplateKey, { score: r.score }) };
}

export function createHandoffGate(deps: { domain: DomainCtx; state: StatePort; log: Logger }): HandoffGate {
  const { domain, state, log } = deps;
  const failKey = failsKey;

  return {
    async beforeBrain(ctx, text, activity) {
      const h = await latestHandoffOfConversation({ ctx: domain, input: { conversationId: ctx.conversationId } });
      const live = h && (h.status === 'assigned' || (h.status === 'pending' && h.mode === 'live'));
      if (h && live) {
        if (h.status === 'pending' && CANCEL.test(text)) {
          const cancelled = await cancelHandoff({ ctx: domain, input: { handoffId: h.id } });
          if (cancelled)
            return { replies: [{ text: render(ctx.lang, 'handoff_cancelled'), suggestions: menu(ctx) }], intent: 'handoff_cancel' };
          // Claimed a moment ago: the words go to the agent like any other.
        }
        await recordHandoffMemberMessage({
          ctx: domain,
          input: {
            handoffId: h.id,
            conversationId: ctx.conversationId,
            channelId: activity.channelId,
            channelUserId: activity.channelUserId,
            memberId: ctx.member.id,
            activityId: activity.activityId,
            text,
          },
        });
        const replies: OutboundReply[] = [];
        if (
          h.status === 'pending' &&
          (await state.set(handoffAckKey(ctx.conversationId), '1', { ttlSeconds: WAITING_ACK_SECONDS, onlyIfAbsent: true }))
        ) {
          replies.push({ text: render(ctx.lang, 'handoff_waiting', { position: await queuePosition(domain.store.db, h) }) });
        }
        return { replies, intent: 'handoff_message', persisted: true };
      }
      if (h?.status === 'pending' && h.mode === 'ticket' && CANCEL_TICKET.test(text)) {
        if (await cancelHandoff({ ctx: domain, input: { handoffId: h.id } })) {
          return { replies: [{ text: render(ctx.lang, 'handoff_cancelled'), suggestions: menu(ctx) }], intent: 'handoff_cancel' };
        }
      }

      const rating = parseRating(text);
      const survey = await openSurvey({ ctx: domain, input: { conversationId: ctx.conversationId, memberId: ctx.member.id } });
      if (!survey) return null;
      if (rating) {
        const r = await answerSurvey({ ctx: domain, input: { survey, score: rating.score, comment: rating.comment } });
        if (r) return { replies: [surveyReply(ctx, r)], intent: 'survey_answer' };
        return null;
      }
      const commentOpen = survey.commentUntil && survey.commentUntil.getTime() > domain.clock().getTime();
      if (commentOpen) {
        const c = classify(text);
        if ((QUESTION_INTENTS.has(c.intent) && c.confidence >= 0.5) || ASK_HUMAN.test(text)) return null;
        // The offline brain's own questions ("积分不对", "上个月我花了多少钱") are questions too. "ok" is a comment, and
        // so is "退款太慢" (order-change words in a rating comment are about the service).
        if (isRuledQuestion(ruledQuestion(text, c.intent), { routes: true })) return null;
        if (await commentOnSurvey({ ctx: domain, input: { survey, comment: text } })) {
          return { replies: [{ text: render(ctx.lang, 'survey_comment_thanks') }], intent: 'survey_comment' };
        }
      }
      return null;
    },

    async afterBrain(ctx, _text, answer) {
      try {
        const opened = takeHandoffOutcome(ctx);
        if (opened) {
          await state.del(failKey(ctx.conversationId));
          const told = handoffReply(ctx, opened);
          // The language model asked for a person: the member gets our fixed words (position, wait, hours), not the model's.
          if (answer.intent === 'request_human') return { ...answer, replies: [told] };
          return answer.replies.some((r) => r.text === told.text) ? answer : { ...answer, replies: [...answer.replies, told] };
        }
        if (FAILURE_INTENTS.has(answer.intent)) {
          const n = await state.incr(failKey(ctx.conversationId), FAILURE_WINDOW_SECONDS);
          if (n < 2) return answer;
          await state.del(failKey(ctx.conversationId));
          await openHandoff(ctx, 'bot_failure', 'live');
          const o = takeHandoffOutcome(ctx);
          if (!o) return answer;
          return { replies: [{ text: render(ctx.lang, 'handoff_failed_twice') }, handoffReply(ctx, o)], intent: 'handoff_auto' };
        }
        await state.del(failKey(ctx.conversationId));
        return answer;
      } catch (err) {
        // The member still gets the brain's answer; a missed auto-handoff is logged.
        log.error('handoff gate failed after the brain', { conversationId: ctx.conversationId, err });
        return answer;
      }
    },

    async release(conversationId, replies) {
      if (!replies.length) return replies;
      try {
        if (await agentOwnsConversation({ ctx: domain, input: { conversationId } })) {
          const owed = replies.filter((r) => r.compliance);
          log.info('assistant replies withheld: an agent holds the conversation', {
            conversationId,
            replies: replies.length - owed.length,
          });
          return owed;
        }
      } catch (err) {
        // Without the store we cannot know; answering beats leaving every member in silence during an outage.
        log.warn('ownership check failed; sending', { conversationId, err });
      }
      return replies;
    },
  };
}
