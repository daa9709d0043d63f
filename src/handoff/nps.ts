// NPS survey to one member (agents today, broadcasts later): "0-10, how likely are you to recommend us?"
import { and, desc, eq } from 'drizzle-orm';
import { conversationReferences, conversations, messages, members } from '../../db/schema/index.js';
import { render } from '../assistant/templates.js';
import type { Outbound } from '../channels/outbound.js';
import { SESSION_TTL_SECONDS, WEB_CHANNEL_ID } from '../channels/webchat/session.js';
import type { DomainCtx } from '../domain/context.js';
import { createSurvey, withdrawSurvey } from '../domain/feedback/index.js';
import { agentOwnsConversation } from '../domain/handoffs/index.js';
import { DomainError } from '../lib/errors.js';

/** Answers count for a week. */
export const NPS_TTL_HOURS = 7 * 24;

export interface SendNpsInput {
  memberId: string;
  /** Defaults to the conversation the member wrote in most recently. */
  conversationId?: string;
  source: 'agent' | 'broadcast' | 'api';
  /** e.g. `campaign:<id>:<member>`: sending twice with it sends once. */
  idempotencyKey?: string;
}

export type SendNpsResult =
  | { status: 'sent'; surveyId: string; conversationId: string }
  | { status: 'duplicate'; surveyId: string; conversationId: string }
  /** An agent is in the conversation right now: a survey would interrupt them (try later). */
  | { status: 'busy'; conversationId: string }
  | { status: 'no_conversation' }
  | { status: 'failed'; conversationId: string; retryable: boolean; error: string };

/**
 * Asks one member for an NPS score through their own channel, with 0-10 buttons where the channel has them.
 * The survey is recorded first so the answer is recognised; if the send fails it is withdrawn again.
 */
export async function sendNpsSurvey(args: { ctx: DomainCtx; outbound: Outbound; input: SendNpsInput }): Promise<SendNpsResult> {
  const { ctx, outbound, input } = args;
  const [member] = await ctx.store.db.select().from(members).where(eq(members.id, input.memberId)).limit(1);
  if (!member) throw new DomainError('not_found', 'No such member');
  let conversationId = input.conversationId;
  if (!conversationId) {
    const refs = await ctx.store.db
      .select({
        id: conversationReferences.conversationId,
        channelId: conversationReferences.channelId,
        updatedAt: conversationReferences.updatedAt,
      })
      .from(conversationReferences)
      .where(eq(conversationReferences.memberId, input.memberId))
      .orderBy(desc(conversationReferences.updatedAt))
      .limit(20);
    // A web chat session ends after SESSION_TTL_SECONDS: a survey queued for a closed page would never be seen.
    const webCutoff = ctx.clock().getTime() - SESSION_TTL_SECONDS * 1000;
    const ref = refs.find((r) => r.channelId !== WEB_CHANNEL_ID || r.updatedAt.getTime() > webCutoff);
    if (!ref) return { status: 'no_conversation' };
    conversationId = ref.id;
  }
  if (await agentOwnsConversation({ ctx, input: { conversationId } })) return { status: 'busy', conversationId };
  const { survey, created } = await createSurvey({
    ctx,
    input: {
      kind: 'nps',
      memberId: member.id,
      conversationId,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      ttlHours: NPS_TTL_HOURS,
    },
  });
  if (!created) return { status: 'duplicate', surveyId: survey.id, conversationId };
  const text = render(member.locale, 'nps_prompt');
  const result = await outbound.send(conversationId, [
    { text, suggestions: Array.from({ length: 11 }, (_, n) => ({ title: String(n), value: String(n) })) },
  ]);
  if (result.status === 'failed') {
    await withdrawSurvey({ ctx, input: { surveyId: survey.id } });
    return { status: 'failed', conversationId, retryable: result.retryable, error: result.error };
  }
  const cid = conversationId;
  await ctx.store.write(async (tx) => {
    const [conv] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.id, cid)))
      .limit(1);
    if (conv)
      await tx
        .insert(messages)
        .values({ conversationId: cid, direction: 'out', author: 'bot', text, intent: 'nps_prompt', createdAt: ctx.clock() });
  });
  return { status: 'sent', surveyId: survey.id, conversationId };
}
