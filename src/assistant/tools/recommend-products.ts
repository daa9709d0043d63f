// Tool: products to suggest to the member (best sellers they may buy, until the recommender lands).
import * as z from 'zod';
import { getPointsSummary, listTiers } from '../../domain/loyalty/index.js';
import { getBestSellers } from '../../domain/products/index.js';
import { pick, yuan } from './format.js';
import { defineTool } from './tool.js';

export const recommendProductsTool = defineTool({
  name: 'recommend_products',
  description:
    'Products to recommend to the member: in stock, allowed for their tier, with price and whether their points can pay for it .',
  input: z.object({ limit: z.number().int().min(1).max(10).default(3) }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const tiers = await listTiers(ctx.domain.store.db);
    const rank = tiers.find((t) => t.code === ctx.member.tierCode)?.rank ?? 0;
    const allowed = tiers.filter((t) => t.rank <= rank).map((t) => t.code);
    const [items, points] = await Promise.all([
      getBestSellers({ ctx: ctx.domain, input: { allowedTierCodes: allowed, limit: input.limit } }),
      getPointsSummary({ ctx: ctx.domain, input: { memberId: ctx.member.id } }),
    ]);
    return {
      products: items.map((i) => ({
        id: i.product.id,
        name: pick(ctx.lang, i.product.nameZh, i.product.name),
        price: yuan(i.product.priceCents),
        category: i.product.category,
        pointsCanPay: points.balance * ctx.domain.rules.pointValueCents >= i.product.priceCents,
      })),
    };
  },
});
