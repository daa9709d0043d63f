// Tool: record the member's praise, suggestion, complaint or rating.
import * as z from 'zod';
import { submitFeedback } from '../../domain/feedback/index.js';
import { defineTool } from './tool.js';

export const submitFeedbackTool = defineTool({
  name: 'submit_feedback',
  description: "Record the member's feedback: a complaint, praise or suggestion (free text), or a rating.",
  input: z
    .object({
      kind: z.enum(['text', 'complaint', 'csat', 'nps']),
      text: z.string().max(4000).optional(),
      score: z.number().int().min(0).max(10).optional(),
      sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
    })
    .strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const { id } = await submitFeedback({
      ctx: ctx.domain,
      input: { ...input, memberId: ctx.member.id, conversationId: ctx.conversationId },
    });
    return { recorded: true, id };
  },
});
