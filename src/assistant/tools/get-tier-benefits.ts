// Tool: what a tier gives (the member's own tier unless another is named), and every tier's threshold.
import * as z from 'zod/v4';
import { pick, yuan } from './format.js';
import { defineTool } from './tool.js';
import { turnTiers } from './turn-memo.js';

export const getTierBenefitsTool = defineTool({
  name: 'get_tier_benefits',
  description: "Benefits of a tier (default: the member's tier) and the list of all tiers with thresholds and multipliers.",
  input: z.object({ tierCode: z.string().max(32).optional() }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const all = await turnTiers(ctx);
    const code = input.tierCode ?? ctx.member.tierCode;
    const tier = all.find((t) => t.code === code) ?? all.find((t) => t.code === ctx.member.tierCode) ?? all[0];
    return {
      tier: {
        code: tier.code,
        name: pick(ctx.lang, tier.nameZh, tier.nameEn),
        multiplier: tier.multiplierPct / 100,
        benefits: ctx.lang === 'zh-CN' ? tier.benefitsZh : tier.benefitsEn,
      },
      isMemberTier: tier.code === ctx.member.tierCode,
      tiers: all.map((t) => ({
        code: t.code,
        name: pick(ctx.lang, t.nameZh, t.nameEn),
        threshold: yuan(t.thresholdCents),
        multiplier: t.multiplierPct / 100,
      })),
    };
  },
});
