// A conversation's transcript for agents, with the delivery state of what was sent on the handoff's behalf.
import { and, asc, eq, gt } from 'drizzle-orm';
import { handoffDeliveries, messages, type HandoffDelivery, type Message } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface TranscriptLine extends Message {
  delivery: HandoffDelivery | null;
}

/** The latest `limit` lines (oldest first), or the lines after a message id (live updates). */
export const getTranscript: Verb<{ conversationId: string; afterMessageId?: number; limit?: number }, TranscriptLine[]> = async ({
  ctx,
  input,
}) => {
  const limit = Math.min(input.limit ?? 200, 1000);
  const where = input.afterMessageId
    ? and(eq(messages.conversationId, input.conversationId), gt(messages.id, input.afterMessageId))
    : eq(messages.conversationId, input.conversationId);
  const rows = await ctx.store.db
    .select({ m: messages, d: handoffDeliveries })
    .from(messages)
    .leftJoin(handoffDeliveries, eq(handoffDeliveries.messageId, messages.id))
    .where(where)
    .orderBy(input.afterMessageId ? asc(messages.id) : asc(messages.id))
    .limit(input.afterMessageId ? limit : 100_000);
  const lines = rows.map((r) => ({ ...r.m, delivery: r.d }));
  return input.afterMessageId ? lines : lines.slice(-limit);
};
