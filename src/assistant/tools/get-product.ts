// Tool: one product (by id, e.g. from recommend_products) as this member sees it: price, stock, tier, points, page.
import * as z from 'zod/v4';
import { getProductForMember } from '../../domain/products/index.js';
import { pick, pointsOffJson, yuan } from './format.js';
import { defineTool } from './tool.js';

export const getProductTool = defineTool({
  name: 'get_product',
  description:
    "One product by its id (as recommend_products gives it): the store's price, whether it is in stock, whether the member's tier may buy it (and which tier it needs), pointsOff (what a coupon their points can buy takes off it, null when none fits), and the shop page to buy it (url, null when the shop has none configured).",
  input: z.object({ productId: z.string().min(1).max(64) }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const p = await getProductForMember({ ctx: ctx.domain, input: { memberId: ctx.member.id, productId: input.productId } });
    if (!p) return { found: false as const };
    return {
      found: true as const,
      id: p.id,
      name: pick(ctx.lang, p.nameZh, p.name),
      category: p.category,
      price: yuan(p.priceCents),
      inStock: p.inStock,
      allowed: p.allowed,
      needsTier: p.needsTier ? pick(ctx.lang, p.needsTier.nameZh, p.needsTier.nameEn) : null,
      pointsOff: pointsOffJson(ctx.lang, p.pointsOff),
      url: p.url,
    };
  },
});
