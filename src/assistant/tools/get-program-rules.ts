// Tool: the program's rules in words (earning, spending, expiry, tiers, refunds, shipping), with the configured
// numbers. A tool result rather than system-prompt text: the model may quote it to the member, and a reply that
// quotes the instructions is withheld (leaks.ts).
import * as z from 'zod/v4';
import { defineTool } from './tool.js';

export const getProgramRulesTool = defineTool({
  name: 'get_program_rules',
  description:
    'How the loyalty program works: how points are earned and spent, what they cannot do (cash, transfers), expiry, how tiers are reviewed, what a refund does to points, shipping fees. Tier thresholds and multipliers are in get_tier_benefits.',
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    const r = ctx.domain.rules;
    return {
      earning:
        'Points come from paid orders only: 1 point per yuan of the order, times the tier multiplier held at payment, rounded down. Check-ins, reviews, sharing and referrals earn no points.',
      spending:
        'Points buy coupons (list_coupons, redeemable) that take money off an order; they do not pay for an order directly at checkout. They cannot be exchanged for cash, transferred to another member or combined with another account.',
      expiry: {
        months: r.expiryMonths,
        rule: 'Points expire this many months after they are earned; the oldest are spent and expire first.',
        expiringSoonDays: r.expiringSoonDays,
      },
      tiers: {
        windowMonths: r.tierWindowMonths,
        rule: 'A tier follows the paid spend in the rolling window (refunded or cancelled orders do not count). Tiers are reviewed after every payment or refund and daily: up as soon as a threshold is reached, down when the spend in the window falls below the tier threshold. Points do not count toward tiers.',
        keepHorizonDays: r.keepTierHorizonDays,
      },
      refunds:
        'When an order is refunded or cancelled, the points it earned are taken back; if some were already spent, only what is left is taken, so the balance never goes below zero. Returns and refunds themselves are done by the support team (request_human).',
      shipping: "Each order's shipping fee is shown at checkout; shipping benefits are among the tier benefits (get_tier_benefits).",
    };
  },
});
