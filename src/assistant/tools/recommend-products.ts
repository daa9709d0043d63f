// Tool: products recommended for the member (their habits, co-purchases, favourite categories, popularity), with reasons.
import * as z from 'zod/v4';
import { describeReason, productUrl, recommendForMember } from '../../domain/products/index.js';
import { pick, pointsOffJson, yuan } from './format.js';
import { defineTool } from './tool.js';

const yuanAmount = z.number().min(0).max(10_000_000);

export const recommendProductsTool = defineTool({
  name: 'recommend_products',
  description:
    "Products to recommend to the member, best first: from their own repeat purchases, what is bought together with them, their favourite categories and what is popular; only in-stock products their tier may buy. Optional price band in yuan and category. Each item has the store's price, a short reason, pointsOff (what a coupon their points can buy takes off it: coupon name, off in yuan, points it costs; null when none fits: points pay for nothing directly) and its shop page (url, or null).",
  input: z
    .object({
      limit: z.number().int().min(1).max(10).default(3),
      minPrice: yuanAmount.optional().describe('lowest price in yuan'),
      maxPrice: yuanAmount.optional().describe('highest price in yuan'),
      category: z.string().min(1).max(100).optional().describe('only this product category'),
    })
    .strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    // Yuan to cents, rounding the band outward so "under 50" keeps a 49.99 item.
    const minPriceCents = input.minPrice === undefined ? undefined : Math.floor(input.minPrice * 100);
    const maxPriceCents = input.maxPrice === undefined ? undefined : Math.ceil(input.maxPrice * 100);
    if (minPriceCents !== undefined && maxPriceCents !== undefined && minPriceCents > maxPriceCents) {
      return { products: [], filtered: true };
    }
    const items = await recommendForMember({
      ctx: ctx.domain,
      input: { memberId: ctx.member.id, k: input.limit, minPriceCents, maxPriceCents, category: input.category },
    });
    return {
      filtered: input.minPrice !== undefined || input.maxPrice !== undefined || input.category !== undefined,
      products: items.map((i) => ({
        id: i.productId,
        name: pick(ctx.lang, i.nameZh, i.name),
        price: yuan(i.priceCents),
        category: i.category,
        pointsOff: pointsOffJson(ctx.lang, i.pointsOff),
        reasonKind: i.reason.kind,
        reason: describeReason(ctx.lang, i.reason),
        url: productUrl(ctx.domain, i.productId),
      })),
    };
  },
});
