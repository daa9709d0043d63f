// Feedback: store a member's rating, praise, suggestion or complaint.
import { feedback } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface FeedbackInput {
  memberId: string;
  conversationId?: string;
  kind: 'csat' | 'nps' | 'text' | 'complaint';
  score?: number;
  text?: string;
  sentiment?: 'positive' | 'neutral' | 'negative';
}

export const submitFeedback: Verb<FeedbackInput, { id: number }> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const [row] = await tx
      .insert(feedback)
      .values({ ...input, text: input.text?.slice(0, 4000), createdAt: ctx.clock() })
      .returning({ id: feedback.id });
    return { id: row.id };
  });
