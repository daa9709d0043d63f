// Tool: the member's latest points ledger entries.
import * as z from 'zod/v4';
import { getPointsHistory } from '../../domain/loyalty/index.js';
import { day } from './format.js';
import { defineTool } from './tool.js';

export const getPointsHistoryTool = defineTool({
  name: 'get_points_history',
  description: 'The latest points changes (earned, redeemed, expired, adjusted, reversed), newest first.',
  input: z.object({ limit: z.number().int().min(1).max(20).default(5) }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const rows = await getPointsHistory({ ctx: ctx.domain, input: { memberId: ctx.member.id, limit: input.limit } });
    return {
      entries: rows.map((r) => ({ date: day(r.createdAt, ctx.member.timeZone), kind: r.kind, points: r.points, source: r.sourceRef })),
    };
  },
});
