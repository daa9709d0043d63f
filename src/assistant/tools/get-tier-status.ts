// Tool: the member's tier, rolling spend, the gap to the next tier and what keeps the current one.
import * as z from 'zod/v4';
import { getTierStatus } from '../../domain/loyalty/index.js';
import { day, pick, yuan } from './format.js';
import { defineTool } from './tool.js';
import { turnTiers } from './turn-memo.js';

export const getTierStatusTool = defineTool({
  name: 'get_tier_status',
  description: "The member's tier, spend in the rolling 12 months, the spend needed for the next tier and to keep the current tier.",
  input: z.object({}).strict(),
  sideEffect: false,
  async run({ ctx }) {
    // The member row and the tiers were read from the store in this turn: not read again.
    const s = await getTierStatus({
      ctx: ctx.domain,
      input: { memberId: ctx.member.id, tierCode: ctx.member.tierCode, tiers: await turnTiers(ctx) },
    });
    const name = (t: { nameZh: string; nameEn: string }) => pick(ctx.lang, t.nameZh, t.nameEn);
    return {
      tier: { code: s.tier.code, name: name(s.tier), multiplier: s.tier.multiplierPct / 100 },
      rollingSpend: yuan(s.rollingSpendCents),
      nextTier: s.nextTier
        ? { code: s.nextTier.tier.code, name: name(s.nextTier.tier), spendNeeded: yuan(s.nextTier.spendNeededCents) }
        : null,
      keep: s.keep ? { spendNeeded: yuan(s.keep.spendNeededCents), by: day(s.keep.by, ctx.member.timeZone) } : null,
    };
  },
});
