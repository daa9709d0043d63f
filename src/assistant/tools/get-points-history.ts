// Tool: the member's latest points ledger entries and the next days their points expire.
import * as z from 'zod/v4';
import { getPointsHistory, getUpcomingExpiries } from '../../domain/loyalty/index.js';
import { day } from './format.js';
import { defineTool } from './tool.js';

export const getPointsHistoryTool = defineTool({
  name: 'get_points_history',
  description:
    'The latest points changes (earned, redeemed, expired, adjusted, reversed), newest first, and the next three days on which points expire with how many.',
  input: z.object({ limit: z.number().int().min(1).max(20).default(5) }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const tz = ctx.member.timeZone;
    const [rows, upcomingExpiries] = await Promise.all([
      getPointsHistory({ ctx: ctx.domain, input: { memberId: ctx.member.id, limit: input.limit } }),
      getUpcomingExpiries({ ctx: ctx.domain, input: { memberId: ctx.member.id, timeZone: tz } }),
    ]);
    return {
      entries: rows.map((r) => ({ date: day(r.createdAt, tz), kind: r.kind, points: r.points, source: r.sourceRef })),
      upcomingExpiries,
    };
  },
});
