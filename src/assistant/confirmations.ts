// Side effects need a confirmation turn: a tool stores a pending action; code, not a model, checks the reply.
import { confirmKey } from '../state/keys.js';
import { StoreBusyError } from '../db/client.js';
import { DomainError } from '../lib/errors.js';
import { redeemCoupon } from '../domain/loyalty/index.js';
import { formatPoints } from '../lib/money.js';
import { render } from './templates.js';
import type { OutboundReply, TurnCtx } from './types.js';
import { formatDate } from '../lib/time.js';

/** How long a pending confirmation waits for the member's "yes". */
export const CONFIRMATION_TTL_SECONDS = 300;

export interface PendingRedemption {
  action: 'redeem';
  memberId: string;
  couponId: string;
  couponName: string;
  cost: number;
  /** Part of the idempotency key: a retried "yes" redeems once, a new request gets a new nonce. */
  nonce: string;
}

const key = (ctx: TurnCtx) => confirmKey(ctx.conversationId);

// A thumbs-up, OK hand or check mark answers "yes" and a thumbs-down or cross "no", as chat users do (skin tones too).
const YES =
  /^(y|yes|yeah|yep|ok|okay|confirm|confirmed|sure|do it|go ahead|是|是的|确认|确定|好|好的|可以|对|嗯|兑换吧|确认兑换|(?:👍|👌|✅|✔️?)[\u{1f3fb}-\u{1f3ff}]?)[\s!.。！~]*$/iu;
const NO =
  /^(n|no|no thanks|nope|cancel|stop|don'?t|never ?mind|不|不了|不要|不要了|不换了|不兑换了?|取消|算了|否|不用了|不用|(?:👎|❌|✖️?)[\u{1f3fb}-\u{1f3ff}]?)[\s!.。！~]*$/iu;

/**
 * After a bare "投诉" / "I want to complain" the assistant asked what happened: the next message describes it. It
 * shares the pending slot with redemptions, so a turn reads one key for both (and a new request replaces either).
 */
export interface PendingDescription {
  action: 'describe';
  memberId: string;
  kind: 'complaint' | 'feedback';
}

/** How long the member's "what happened" answer is still taken as the complaint. */
export const DESCRIPTION_TTL_SECONDS = 600;

/** The description asked for in the previous turn, handed from resolveConfirmation to the brain of this turn. */
const described = new WeakMap<TurnCtx, PendingDescription['kind']>();

/** Asks for the next message to be the complaint (or feedback) the member wanted to give. */
export async function requestDescription(ctx: TurnCtx, kind: PendingDescription['kind']): Promise<void> {
  const value: PendingDescription = { action: 'describe', memberId: ctx.member.id, kind };
  await ctx.state.set(key(ctx), JSON.stringify(value), { ttlSeconds: DESCRIPTION_TTL_SECONDS });
}

/** What this turn's message was asked to describe, if anything (read once: the slot is already cleared). */
export function takeDescriptionAsked(ctx: TurnCtx): PendingDescription['kind'] | undefined {
  const kind = described.get(ctx);
  described.delete(ctx);
  return kind;
}

/** Records a redemption waiting for the member's confirmation (replacing any earlier one). */
export async function requestConfirmation(ctx: TurnCtx, pending: Omit<PendingRedemption, 'nonce' | 'memberId'>): Promise<void> {
  const value: PendingRedemption = { ...pending, memberId: ctx.member.id, nonce: crypto.randomUUID() };
  await ctx.state.set(key(ctx), JSON.stringify(value), { ttlSeconds: CONFIRMATION_TTL_SECONDS });
}

/**
 * Resolves a pending confirmation if one exists: "yes" redeems (idempotent per nonce), "no" cancels,
 * anything else drops it and returns null so the message is handled as a new request. A pending description is
 * handed to the brain (takeDescriptionAsked) and the message goes on to it.
 */
export async function resolveConfirmation(ctx: TurnCtx, text: string): Promise<{ replies: OutboundReply[]; intent: string } | null> {
  const raw = await ctx.state.get(key(ctx));
  const t = text.trim();
  if (!raw) {
    // A bare "yes" with nothing pending (e.g. after the 5-minute window) deserves an explanation.
    return YES.test(t) && /^(确认|confirm|确认兑换)/i.test(t)
      ? { replies: [{ text: render(ctx.lang, 'redeem_expired') }], intent: 'redeem_confirm' }
      : null;
  }
  const pending = JSON.parse(raw) as PendingRedemption | PendingDescription;
  if (pending.memberId !== ctx.member.id) {
    await ctx.state.del(key(ctx));
    return null;
  }
  if (pending.action === 'describe') {
    // Not a yes/no question: the brain takes this message as the description.
    await ctx.state.del(key(ctx));
    described.set(ctx, pending.kind);
    return null;
  }
  if (NO.test(t)) {
    await ctx.state.del(key(ctx));
    return { replies: [{ text: render(ctx.lang, 'redeem_cancelled') }], intent: 'redeem_cancel' };
  }
  if (!YES.test(t)) {
    await ctx.state.del(key(ctx));
    return null;
  }
  try {
    const result = await redeemCoupon({
      ctx: ctx.domain,
      input: { memberId: ctx.member.id, couponId: pending.couponId, idempotencyKey: `chat:${ctx.conversationId}:${pending.nonce}` },
    });
    await ctx.state.del(key(ctx));
    return {
      replies: [
        {
          text: render(ctx.lang, 'redeem_done', {
            cost: formatPoints(result.pointsSpent),
            name: pending.couponName,
            expires: formatDate(result.expiresAt, ctx.member.timeZone),
            balance: formatPoints(result.balanceAfter),
          }),
        },
      ],
      intent: 'redeem_confirm',
    };
  } catch (err) {
    // The store stayed locked: nothing was redeemed. The pending action stays, so the "yes" the member
    // sends again (or the channel redelivers) redeems it, once, under the same idempotency key.
    if (err instanceof StoreBusyError) throw err;
    await ctx.state.del(key(ctx));
    if (err instanceof DomainError && err.code === 'insufficient_points') {
      const d = err.details as { balance: number; cost: number };
      return {
        replies: [
          {
            text: render(ctx.lang, 'redeem_insufficient', {
              name: pending.couponName,
              cost: formatPoints(d.cost),
              balance: formatPoints(d.balance),
            }),
          },
        ],
        intent: 'redeem_confirm',
      };
    }
    if (err instanceof DomainError) {
      return { replies: [{ text: render(ctx.lang, 'redeem_failed', { reason: err.message }) }], intent: 'redeem_confirm' };
    }
    throw err;
  }
}
