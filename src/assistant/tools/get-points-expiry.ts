// Tool: the next days on which the member's points expire, with how many on each.
import * as z from 'zod/v4';
import { getUpcomingExpiries } from '../../domain/loyalty/index.js';
import { defineTool } from './tool.js';

export const getPointsExpiryTool = defineTool({
  name: 'get_points_expiry',
  description:
    "The next three days (YYYY-MM-DD, the member's time zone) on which the member's points expire, with the points expiring on each.",
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    return {
      upcomingExpiries: await getUpcomingExpiries({ ctx: ctx.domain, input: { memberId: ctx.member.id, timeZone: ctx.member.timeZone } }),
    };
  },
});
