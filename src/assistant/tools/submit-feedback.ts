// Tool: record the member's praise, suggestion, complaint or rating; a complaint opens a ticket (live if upset).
import * as z from 'zod/v4';
import { FEEDBACK_CATEGORIES } from '../../../db/schema/index.js';
import { submitFeedback } from '../../domain/feedback/index.js';
import { noteHandoffOutcome } from '../handoff.js';
import { defineTool } from './tool.js';

export const submitFeedbackTool = defineTool({
  name: 'submit_feedback',
  description:
    "Record the member's feedback: a complaint, praise or suggestion (free text), or a rating. Complaints open a support ticket; upset members are connected to a person.",
  input: z
    .object({
      kind: z.enum(['text', 'complaint', 'csat', 'nps']),
      text: z.string().max(4000).optional(),
      score: z.number().int().min(0).max(10).optional(),
      sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
      category: z.enum(FEEDBACK_CATEGORIES).optional(),
    })
    .strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const r = await submitFeedback({
      ctx: ctx.domain,
      input: {
        ...input,
        memberId: ctx.member.id,
        conversationId: ctx.conversationId,
        channel: { channelId: ctx.channelId, lang: ctx.lang },
      },
    });
    if (r.handoff) noteHandoffOutcome(ctx, r.handoff);
    return {
      recorded: true,
      id: r.id,
      category: r.category,
      sentiment: r.sentiment,
      ticket: r.handoff ? { status: r.handoff.kind } : null,
    };
  },
});
