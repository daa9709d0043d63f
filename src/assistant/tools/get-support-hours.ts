// Tool: when the member's support team (by language) is in, whether it is in now, and when it next opens.
import * as z from 'zod/v4';
import { describeHours, formatForMember, getHandoffSettings, isOpen, nextOpening } from '../../domain/handoffs/index.js';
import { defineTool } from './tool.js';

export const getSupportHoursTool = defineTool({
  name: 'get_support_hours',
  description:
    "The human support team's hours for the member's language, whether it is in now, and (when it is not) its next opening in the member's time zone.",
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    const settings = await getHandoffSettings({ ctx: ctx.domain, input: {} });
    const team = settings.hours[ctx.lang];
    const now = ctx.domain.clock();
    const openNow = isOpen(team, now);
    const opens = openNow ? null : nextOpening(team, now);
    return {
      hours: describeHours(team, ctx.lang),
      openNow,
      nextOpening: opens ? formatForMember(opens, ctx.member.timeZone, ctx.lang) : null,
    };
  },
});
