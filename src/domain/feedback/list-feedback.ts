// Feedback lists for staff: complaints, comments and ratings with the member's name and any ticket.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { feedback, handoffs, members, type Feedback, type FeedbackCategory, type Sentiment } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface FeedbackRow extends Feedback {
  memberName: string | null;
  /** The handoff a complaint opened, if any. */
  ticketId: string | null;
  ticketStatus: string | null;
}

export const listFeedback: Verb<
  { kind?: Feedback['kind']; category?: FeedbackCategory; sentiment?: Sentiment; memberId?: string; before?: number; limit?: number },
  FeedbackRow[]
> = async ({ ctx, input }) => {
  const where: SQL[] = [];
  if (input.kind) where.push(eq(feedback.kind, input.kind));
  if (input.category) where.push(eq(feedback.category, input.category));
  if (input.sentiment) where.push(eq(feedback.sentiment, input.sentiment));
  if (input.memberId) where.push(eq(feedback.memberId, input.memberId));
  if (input.before) where.push(lt(feedback.id, input.before));
  const rows = await ctx.store.db
    .select({ f: feedback, memberName: members.name, ticketId: handoffs.id, ticketStatus: handoffs.status })
    .from(feedback)
    .leftJoin(members, eq(members.id, feedback.memberId))
    .leftJoin(handoffs, eq(handoffs.feedbackId, feedback.id))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(feedback.id))
    .limit(Math.min(input.limit ?? 100, 500));
  return rows.map((r) => ({ ...r.f, memberName: r.memberName, ticketId: r.ticketId, ticketStatus: r.ticketStatus }));
};
