// The turn pipeline: dedupe, identify, link, rate-limit, confirm-or-think, reply, persist. Channel-neutral.
import { resolveConfirmation } from '../assistant/confirmations.js';
import { render, type TemplateKey, type TemplateVars } from '../assistant/templates.js';
import type { Brain, Lang, OutboundReply, TurnCtx } from '../assistant/types.js';
import type { DomainCtx } from '../domain/context.js';
import { recordTurn } from '../domain/conversations/index.js';
import { findMemberByChannel, linkIdentity } from '../domain/members/index.js';
import { StoreBusyError } from '../db/client.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { StatePort } from '../state/port.js';
import { type ConsentAnswer, type ConsentGate, parseConsentCommand } from './consent-gate.js';
import type { GateReply, HandoffGate } from './handoff-gate.js';
import { langFromLocale, replyLang } from './lang.js';
import type { InboundActivity, TurnResult } from './types.js';

export interface PipelineDeps {
  domain: DomainCtx;
  state: StatePort;
  brain: Brain;
  log: Logger;
  /** linkFailuresPerHour: wrong link codes from all chats together per hour (LINK_FAILURES_PER_HOUR; its default is in env.ts). */
  limits: { ratePerMinute: number; maxMessageChars: number; dedupeTtlSeconds: number; linkFailuresPerHour: number };
  /** Human handoff: who answers, cancel, ratings, auto-handoff (src/turn/handoff-gate.ts). */
  gate?: HandoffGate;
  /** Marketing opt-out / opt-in by chat keyword (src/turn/consent-gate.ts). */
  consent?: ConsentGate;
}

const LINK = /^\s*(?:绑定|link)\s*[:：]?\s*(\d{6})\s*$/i;
/**
 * Wrong link codes one chat identity may send per hour. Codes are 6 digits and live 15 minutes: without a cap a
 * script could walk the code space and land on someone's account; with it, the odds per identity are negligible.
 */
export const LINK_MAX_FAILURES = 5;
const LINK_FAILURE_WINDOW_SECONDS = 3600;
const PENDING = 'pending';

export type TurnPipeline = (activity: InboundActivity) => Promise<TurnResult>;

/** Builds the pipeline once per app; the returned function handles one activity. */
export function createTurnPipeline(deps: PipelineDeps): TurnPipeline {
  const { domain, state, log, limits } = deps;

  return async function handleTurn(activity) {
    if (activity.type === 'other') return { replies: [], duplicate: false, memberId: null };

    const dedupeKey = activity.activityId ? `dedupe:${activity.channelId}:${activity.channelConversationId}:${activity.activityId}` : null;
    if (dedupeKey) {
      const fresh = await state.set(dedupeKey, PENDING, { ttlSeconds: limits.dedupeTtlSeconds, onlyIfAbsent: true });
      if (!fresh) {
        const prior = await state.get(dedupeKey);
        const replies = prior && prior !== PENDING ? (JSON.parse(prior) as OutboundReply[]) : [];
        return { replies, duplicate: true, memberId: null };
      }
    }

    let result: TurnResult & { retry?: boolean };
    try {
      result = await process(activity);
    } catch (err) {
      // Not handled means not done: free the key, so the channel's retry of this activity is processed.
      if (dedupeKey) await state.del(dedupeKey).catch(() => undefined);
      throw err;
    }
    if (dedupeKey) {
      // A turn that changed nothing because the store was busy is not cached: a redelivery gets a real answer.
      if (result.retry) await state.del(dedupeKey);
      else await state.set(dedupeKey, JSON.stringify(result.replies), { ttlSeconds: limits.dedupeTtlSeconds });
    }
    const { retry: _retry, ...out } = result;
    return out;
  };

  async function process(activity: InboundActivity): Promise<TurnResult & { retry?: boolean }> {
    const conversationId = `${activity.channelId}:${activity.channelConversationId}`;
    const identity = { channelId: activity.channelId, channelUserId: activity.channelUserId };
    let member = await findMemberByChannel({ ctx: domain, input: identity });
    const text = (activity.text ?? '').trim();
    let lang: Lang = replyLang(text, member ? member.locale : langFromLocale(activity.locale));

    if (activity.type === 'conversationUpdate') {
      if (!activity.userJoined) return { replies: [], duplicate: false, memberId: member?.id ?? null };
      const replies = [member ? replyIn(lang, 'greeting', { name: member.name }) : replyIn(lang, 'greeting_anonymous')];
      await persist(activity, conversationId, member?.id ?? null, undefined, undefined, replies);
      return { replies, duplicate: false, memberId: member?.id ?? null, intent: 'greeting' };
    }

    if (!text) {
      const replies = activity.hasAttachments ? [replyIn(lang, 'attachment_only')] : [];
      return { replies, duplicate: false, memberId: member?.id ?? null };
    }
    if (text.length > limits.maxMessageChars) {
      const replies = [replyIn(lang, 'too_long', { max: limits.maxMessageChars })];
      // The oversized body is not stored: it may be pasted personal data and is not something we answer.
      await persist(activity, conversationId, member?.id ?? null, `[message of ${text.length} characters not stored]`, 'too_long', replies);
      return { replies, duplicate: false, memberId: member?.id ?? null, intent: 'too_long' };
    }

    const link = LINK.exec(text);
    if (link) {
      const failKey = `linkfail:${activity.channelId}:${activity.channelUserId}`;
      const globalKey = `linkfail:all:${Math.floor(domain.clock().getTime() / (LINK_FAILURE_WINDOW_SECONDS * 1000))}`;
      const [mine, everyone] = await Promise.all([state.get(failKey), state.get(globalKey)]);
      const paused = Number(everyone ?? 0) >= limits.linkFailuresPerHour;
      if (paused || Number(mine ?? 0) >= LINK_MAX_FAILURES) {
        // Not even checked: a right code guessed after the limit must not link either.
        const replies = [replyIn(lang, paused ? 'link_paused' : 'link_throttled')];
        await persist(activity, conversationId, member?.id ?? null, '[link code]', 'link_throttled', replies);
        return { replies, duplicate: false, memberId: member?.id ?? null, intent: 'link_throttled' };
      }
      try {
        member = await linkIdentity({ ctx: domain, input: { code: link[1], ...identity } });
        lang = replyLang(text, member.locale);
        log.info('identity linked', { channelId: activity.channelId, memberId: member.id });
        const replies = [replyIn(lang, 'link_success', { name: member.name })];
        await persist(activity, conversationId, member.id, text, 'link', replies);
        return { replies, duplicate: false, memberId: member.id, intent: 'link' };
      } catch (err) {
        if (err instanceof StoreBusyError) {
          log.warn('turn failed: store busy', { channelId: activity.channelId, attempts: err.attempts });
          return busy(lang, member?.id ?? null);
        }
        if (!(err instanceof DomainError)) throw err;
        const [failures, all] = await Promise.all([
          state.incr(failKey, LINK_FAILURE_WINDOW_SECONDS),
          state.incr(globalKey, LINK_FAILURE_WINDOW_SECONDS),
        ]);
        if (failures === LINK_MAX_FAILURES) log.warn('link codes throttled', { channelId: activity.channelId, failures });
        if (all === limits.linkFailuresPerHour)
          log.warn('linking paused for every chat: too many wrong link codes this hour', { failures: all });
        const replies = [replyIn(lang, 'link_invalid')];
        await persist(activity, conversationId, member?.id ?? null, '[link code]', 'link_failed', replies);
        return { replies, duplicate: false, memberId: member?.id ?? null, intent: 'link_failed' };
      }
    }

    // Consent comes before the rate limit, the handoff gate and the brain: STOP works whatever else is going on.
    const command = deps.consent ? parseConsentCommand(text) : null;
    if (deps.consent && command) {
      // Opting back in is counted like any message, so alternating STOP/START cannot write a consent row per message.
      if (member && command.command === 'opt_in') {
        const limited = await rateLimited(deps, lang, member.id);
        if (limited) return limited;
      }
      let consent: ConsentAnswer;
      try {
        consent = await deps.consent.handle({ command, member, channelId: activity.channelId, fallbackLang: lang });
      } catch (err) {
        if (!(err instanceof StoreBusyError)) throw err;
        log.warn('turn failed: store busy', { channelId: activity.channelId, attempts: err.attempts });
        return busy(lang, member?.id ?? null);
      }
      // As below, an unlinked user's text is not stored; a member's keyword is (the transcript shows what they asked).
      if (member) await persist(activity, conversationId, member.id, text, consent.intent, consent.replies);
      return { replies: consent.replies, duplicate: false, memberId: member?.id ?? null, intent: consent.intent };
    }

    if (!member) {
      // Unknown users get no account data, only how to link; their text is not stored.
      const replies = [replyIn(lang, 'link_required')];
      return { replies, duplicate: false, memberId: null, intent: 'link_required' };
    }

    const limited = await rateLimited(deps, lang, member.id);
    if (limited) return limited;

    const ctx: TurnCtx = { domain, state, member, lang, conversationId, channelId: activity.channelId };
    let answer: GateReply;
    try {
      answer =
        (await deps.gate?.beforeBrain(ctx, text, activity)) ??
        (await resolveConfirmation(ctx, text)) ??
        (await deps.brain.respond(ctx, text));
    } catch (err) {
      if (err instanceof StoreBusyError) {
        // The database stayed locked past DB_BUSY_TIMEOUT_MS: the write rolled back whole, so nothing changed.
        // The member hears so politely; nothing is recorded (the store is busy) and the dedupe key is freed.
        log.warn('turn failed: store busy', { memberId: member.id, channelId: activity.channelId, attempts: err.attempts });
        return busy(lang, member.id);
      }
      log.error('turn failed', { memberId: member.id, channelId: activity.channelId, brain: deps.brain.name, err });
      answer = { replies: [replyIn(lang, 'error')], intent: 'error' };
    }
    if (deps.gate && !answer.persisted) answer = await deps.gate.afterBrain(ctx, text, answer);
    if (!answer.persisted) {
      const stored = await persist(activity, conversationId, member.id, text, answer.intent, answer.replies);
      // A read-only answer whose transcript could not be written (store busy) is not sent: the member is asked
      // to send it again and the redelivery is processed, so no exchange goes missing from the transcript. A
      // redemption that committed is answered anyway: the member must hear what was done.
      if (stored === 'busy' && answer.intent !== 'redeem_confirm') return busy(lang, member.id);
    }
    return { replies: answer.replies, duplicate: false, memberId: member.id, intent: answer.intent };
  }

  async function persist(
    activity: InboundActivity,
    conversationId: string,
    memberId: string | null,
    inbound: string | undefined,
    intent: string | undefined,
    replies: OutboundReply[],
  ): Promise<'ok' | 'busy' | 'failed'> {
    try {
      await recordTurn({
        ctx: domain,
        input: {
          conversationId,
          channelId: activity.channelId,
          channelUserId: activity.channelUserId,
          memberId,
          activityId: activity.activityId,
          inbound,
          intent,
          replies: replies.map((r) => r.text),
        },
      });
      return 'ok';
    } catch (err) {
      // Otherwise the member still gets the answer; a lost transcript line is logged, not turned into an error.
      log.error('transcript write failed', { conversationId, err });
      return err instanceof StoreBusyError ? 'busy' : 'failed';
    }
  }
}

/** One reply from a template in the turn's language. */
function replyIn(lang: Lang, key: TemplateKey, vars?: TemplateVars): OutboundReply {
  return { text: render(lang, key, vars) };
}

/**
 * Counts the message in the member's per-minute window; past the limit, the answer to give instead (once, then
 * none). This and the helpers around it are module functions, not closures made per turn.
 */
async function rateLimited(deps: PipelineDeps, lang: Lang, memberId: string): Promise<TurnResult | null> {
  const { domain, state, limits } = deps;
  const window = Math.floor(domain.clock().getTime() / 60_000);
  const count = await state.incr(`rl:${memberId}:${window}`, 60);
  if (count <= limits.ratePerMinute) return null;
  // One notice per window; after that, silence (a flood gets no flood back).
  const replies = count === limits.ratePerMinute + 1 ? [replyIn(lang, 'rate_limited')] : [];
  return { replies, duplicate: false, memberId, intent: 'rate_limited' };
}

/** The store stayed locked past DB_BUSY_TIMEOUT_MS: nothing changed; the member is asked to send it again and the dedupe key is freed. */
function busy(lang: Lang, memberId: string | null): TurnResult & { retry: boolean } {
  return { replies: [replyIn(lang, 'busy')], duplicate: false, memberId, intent: 'busy', retry: true };
}
