// Tool: hand the conversation to a person. Opens a real handoff (queued, or a ticket outside business hours).
import * as z from 'zod/v4';
import { openHandoff } from '../handoff.js';
import { defineTool } from './tool.js';

export const requestHumanTool = defineTool({
  name: 'request_human',
  description:
    'Hand the conversation to a human support agent (the member asked for a person, or the assistant cannot help). The system tells the member the queue position or when the team is back.',
  input: z.object({ reason: z.string().max(500).optional() }).strict(),
  sideEffect: false,
  async run({ ctx }) {
    // The member asked (offline brain) or the model decided to (language model): both are recorded as such.
    const o = await openHandoff(ctx, 'member_request', 'live');
    if (o.kind === 'queued') return { status: 'queued' as const, position: o.position, expectedWaitMinutes: o.waitMinutes };
    if (o.kind === 'after_hours') return { status: 'ticket_outside_business_hours' as const, teamBackAt: o.opensAt?.toISOString() ?? null };
    if (o.kind === 'with_agent') return { status: 'with_agent' as const };
    return { status: 'ticket' as const };
  },
});
