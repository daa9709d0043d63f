// Tool: what the member spent in the tier window and in this and last calendar month.
import * as z from 'zod/v4';
import { getSpendSummary } from '../../domain/loyalty/index.js';
import { yuan } from './format.js';
import { defineTool } from './tool.js';

export const getSpendSummaryTool = defineTool({
  name: 'get_spend_summary',
  description:
    "The member's spend (paid orders, not refunded or cancelled) in the tier window of the last months, and in this and last calendar month (YYYY-MM, the member's time zone), each with its order count.",
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    const s = await getSpendSummary({ ctx: ctx.domain, input: { memberId: ctx.member.id, timeZone: ctx.member.timeZone } });
    const view = (p: { cents: number; orders: number }) => ({ spend: yuan(p.cents), orders: p.orders });
    return {
      window: { months: s.window.months, ...view(s.window) },
      thisMonth: { month: s.thisMonth.month, ...view(s.thisMonth) },
      lastMonth: { month: s.lastMonth.month, ...view(s.lastMonth) },
    };
  },
});
