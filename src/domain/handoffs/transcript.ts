// A handoff's transcript for agents, with the delivery state of what was sent on the handoff's behalf.
import { and, asc, eq, gt, gte, or } from 'drizzle-orm';
import { conversations, handoffDeliveries, messages, type HandoffDelivery, type Message } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface TranscriptLine extends Message {
  delivery: HandoffDelivery | null;
}

export interface TranscriptInput {
  conversationId: string;
  /**
   * Also the member's lines in their other conversations since `since`: a handoff that followed the member to a
   * new chat (a new web chat session, another app) keeps its history in view.
   */
  member?: { memberId: string; since: Date };
  /** Only lines after this message id (live updates). */
  afterMessageId?: number;
  limit?: number;
}

/** The latest `limit` lines, oldest first. */
export const getTranscript: Verb<TranscriptInput, TranscriptLine[]> = async ({ ctx, input }) => {
  const limit = Math.min(input.limit ?? 200, 1000);
  const scope = input.member
    ? or(
        eq(messages.conversationId, input.conversationId),
        and(eq(conversations.memberId, input.member.memberId), gte(messages.createdAt, input.member.since)),
      )
    : eq(messages.conversationId, input.conversationId);
  const rows = await ctx.store.db
    .select({ m: messages, d: handoffDeliveries })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(handoffDeliveries, eq(handoffDeliveries.messageId, messages.id))
    .where(input.afterMessageId ? and(scope, gt(messages.id, input.afterMessageId)) : scope)
    .orderBy(asc(messages.id));
  return rows.slice(-limit).map((r) => ({ ...r.m, delivery: r.d }));
};
