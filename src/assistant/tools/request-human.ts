// Tool: ask for a human agent. Until the agent inbox lands it records the request as feedback for follow-up.
import * as z from 'zod';
import { submitFeedback } from '../../domain/feedback/index.js';
import { defineTool } from './tool.js';

export const requestHumanTool = defineTool({
  name: 'request_human',
  description: 'Hand the conversation to a human support agent (the member asked for a person, or the assistant cannot help).',
  input: z.object({ reason: z.string().max(500).optional() }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    // Recorded (not only logged) so support can see who is waiting; the message body stays in the transcript.
    await submitFeedback({
      ctx: ctx.domain,
      input: {
        memberId: ctx.member.id,
        conversationId: ctx.conversationId,
        kind: 'text',
        text: `[human requested] ${input.reason ?? ''}`.trim(),
      },
    });
    return { status: 'requested' as const };
  },
});
