// Order lookups for the member: one order by id, or the latest few.
import { and, desc, eq, sql } from 'drizzle-orm';
import { orderLines, orders, products, type Order } from '../../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import type { Verb } from '../context.js';

export interface OrderView extends Order {
  itemCount: number;
  /** Distinct order lines (products). */
  lineCount: number;
  /** Names of the first few products, for a readable reply. */
  productNames: { name: string; nameZh: string | null }[];
}

/** The member's order with that id (never another member's), or their latest `limit` orders. */
export const getOrders: Verb<{ memberId: string; orderId?: string; limit?: number }, OrderView[]> = async ({ ctx, input }) => {
  const db = ctx.store.db;
  const where = input.orderId
    ? and(eq(orders.memberId, input.memberId), eq(orders.id, input.orderId))
    : eq(orders.memberId, input.memberId);
  const rows = await db
    .select()
    .from(orders)
    .where(where)
    .orderBy(desc(orders.orderedAt))
    .limit(Math.min(input.limit ?? 3, 20));
  return Promise.all(
    rows.map(async (o) => {
      const lines = await db
        .select({ name: products.name, nameZh: products.nameZh, quantity: orderLines.quantity })
        .from(orderLines)
        .innerJoin(products, eq(products.id, orderLines.productId))
        .where(eq(orderLines.orderId, o.id))
        .orderBy(orderLines.lineNo);
      return {
        ...o,
        itemCount: lines.reduce((s, l) => s + l.quantity, 0),
        lineCount: lines.length,
        productNames: lines.slice(0, 3).map((l) => ({ name: l.name, nameZh: l.nameZh })),
      };
    }),
  );
};

/** Count of a member's orders (for cards and summaries). */
export async function countOrders(db: Db, memberId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(orders).where(eq(orders.memberId, memberId));
  return Number(row?.n ?? 0);
}
