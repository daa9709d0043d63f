// Best sellers: the simple recommendation until the recommender lands (in stock, tier-allowed, popular).
import { and, desc, gt, isNull, or, sql, inArray } from 'drizzle-orm';
import { orderLines, orders, products, type Product } from '../../../db/schema/index.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';

export interface BestSeller {
  product: Product;
  unitsSold: number;
}

/**
 * Most-bought in-stock products over the last `days`, excluding tier-restricted items the member's
 * tier cannot buy. `allowedTierCodes` is the member's tier and every tier below it.
 */
export const getBestSellers: Verb<{ allowedTierCodes: string[]; limit?: number; days?: number }, BestSeller[]> = async ({ ctx, input }) => {
  const since = new Date(ctx.clock().getTime() - (input.days ?? 90) * DAY_MS);
  const units = sql<number>`coalesce(sum(${orderLines.quantity}), 0)`;
  const rows = await ctx.store.db
    .select({ product: products, unitsSold: units })
    .from(products)
    .leftJoin(orderLines, sql`${orderLines.productId} = ${products.id}`)
    .leftJoin(orders, and(sql`${orders.id} = ${orderLines.orderId}`, gt(orders.orderedAt, since)))
    .where(and(gt(products.stock, 0), or(isNull(products.minTierCode), inArray(products.minTierCode, input.allowedTierCodes))))
    .groupBy(products.id)
    .orderBy(desc(sql`sum(case when ${orders.id} is not null then ${orderLines.quantity} else 0 end)`), products.id)
    .limit(Math.min(input.limit ?? 3, 10));
  return rows.map((r) => ({ product: r.product, unitsSold: Number(r.unitsSold) }));
};
