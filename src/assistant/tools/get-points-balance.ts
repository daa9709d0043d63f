// Tool: the member's spendable points and what expires soon.
import * as z from 'zod/v4';
import { getPointsSummary } from '../../domain/loyalty/index.js';
import { day } from './format.js';
import { defineTool } from './tool.js';

export const getPointsBalanceTool = defineTool({
  name: 'get_points_balance',
  description: "The member's current points balance, points expiring within the next days and the next expiry date.",
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    const s = await getPointsSummary({ ctx: ctx.domain, input: { memberId: ctx.member.id } });
    const tz = ctx.member.timeZone;
    return {
      balance: s.balance,
      expiringSoon: { points: s.expiringSoon.points, before: day(s.expiringSoon.before, tz), days: ctx.domain.rules.expiringSoonDays },
      nextExpiry: s.nextExpiry ? { points: s.nextExpiry.points, on: day(s.nextExpiry.at, tz) } : null,
    };
  },
});
