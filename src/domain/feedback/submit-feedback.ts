// Feedback: store a member's praise, suggestion, complaint or rating, categorized with sentiment; complaints open a ticket.
import { feedback, type FeedbackCategory, type Sentiment } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { requestHandoff, type HandoffOutcome } from '../handoffs/request-handoff.js';
import { categorizeFeedback, sentimentOf } from './categorize.js';

export interface FeedbackInput {
  memberId: string;
  conversationId?: string;
  kind: 'csat' | 'nps' | 'text' | 'complaint';
  score?: number;
  text?: string;
  sentiment?: Sentiment;
  category?: FeedbackCategory;
  /** Where the member is, so a complaint's ticket can be answered in the same chat. */
  channel?: { channelId: string; lang: 'zh-CN' | 'en' };
}

export interface FeedbackResult {
  id: number;
  category: FeedbackCategory | null;
  sentiment: Sentiment | null;
  /** Complaints open a handoff: live when the member is upset and the team is in, otherwise a ticket. */
  handoff?: HandoffOutcome;
}

export const submitFeedback: Verb<FeedbackInput, FeedbackResult> = async ({ ctx, input }) => {
  const text = input.text?.slice(0, 4000);
  const words = text && (input.kind === 'text' || input.kind === 'complaint');
  const category = input.category ?? (words ? categorizeFeedback(text) : null);
  const sentiment = input.sentiment ?? (words ? sentimentOf(text) : null);
  const id = await ctx.store.write(async (tx) => {
    const [row] = await tx
      .insert(feedback)
      .values({
        memberId: input.memberId,
        conversationId: input.conversationId,
        kind: input.kind,
        score: input.score,
        text,
        sentiment,
        category,
        createdAt: ctx.clock(),
      })
      .returning({ id: feedback.id });
    return row.id;
  });
  let handoff: HandoffOutcome | undefined;
  if (input.kind === 'complaint' && input.conversationId && input.channel) {
    handoff = await requestHandoff({
      ctx,
      input: {
        memberId: input.memberId,
        conversationId: input.conversationId,
        channelId: input.channel.channelId,
        lang: input.channel.lang,
        reason: 'complaint',
        prefer: sentiment === 'negative' ? 'live' : 'ticket',
        feedbackId: id,
      },
    });
  }
  return { id, category, sentiment, handoff };
};
