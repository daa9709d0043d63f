// Test fixtures for recommendations: a small grocery catalog and order events written through the domain.
import { sql } from 'drizzle-orm';
import { products, tiers } from '../../db/schema/index.js';
import { DEFAULT_TIERS } from '../../db/seed/program.js';
import type { Store } from '../../src/db/client.js';
import type { DomainCtx } from '../../src/domain/context.js';
import { orderEventSchema, recordOrder } from '../../src/domain/orders/index.js';

/** Prices in cents; SOLD_OUT has no stock, WINE is for gold members and up. */
export const CATALOG = [
  { id: 'MILK', name: 'Milk', nameZh: '牛奶', category: 'Dairy', priceCents: 500 },
  { id: 'BUTTER', name: 'Butter', nameZh: '黄油', category: 'Dairy', priceCents: 1_200 },
  { id: 'BREAD', name: 'Bread', nameZh: '面包', category: 'Bakery', priceCents: 800 },
  { id: 'JAM', name: 'Strawberry jam', nameZh: '草莓酱', category: 'Bakery', priceCents: 1_500 },
  { id: 'COLA', name: 'Cola', nameZh: '可乐', category: 'Drinks', priceCents: 300 },
  { id: 'CHIPS', name: 'Potato chips', nameZh: '薯片', category: 'Snacks', priceCents: 600 },
  { id: 'NUTS', name: 'Mixed nuts', nameZh: '坚果', category: 'Snacks', priceCents: 2_500 },
  { id: 'SOLD_OUT', name: 'Sold-out candy', nameZh: '售罄糖果', category: 'Snacks', priceCents: 400, stock: 0 },
  { id: 'WINE', name: 'Reserve wine', nameZh: '珍藏红酒', category: 'Drinks', priceCents: 20_000, minTierCode: 'gold' },
] as const;

export async function seedCatalog(store: Store): Promise<void> {
  await store.write(async (tx) => {
    await tx.insert(tiers).values(DEFAULT_TIERS).onConflictDoNothing();
    await tx
      .insert(products)
      .values(CATALOG.map((p) => ({ stock: 100, ...p })))
      .onConflictDoNothing();
  });
}

let seq = 0;

/** A paid (or other status) order of whole units; amounts follow the catalog price. */
export async function buy(
  ctx: DomainCtx,
  memberId: string,
  at: string,
  items: string[],
  opts: { orderId?: string; status?: 'paid' | 'pending' | 'refunded' | 'cancelled' } = {},
) {
  const orderId = opts.orderId ?? `T${++seq}`;
  const event = orderEventSchema.parse({
    orderId,
    memberId,
    status: opts.status ?? 'paid',
    orderedAt: at,
    lines: items.map((id) => {
      const p = CATALOG.find((c) => c.id === id);
      if (!p) throw new Error(`unknown fixture product ${id}`);
      return { productId: id, quantity: 1, amount: (p.priceCents / 100).toFixed(2) };
    }),
  });
  await recordOrder({ ctx, input: event });
  return orderId;
}

/** Every recommendation statistic, sorted, for comparing incremental upkeep with a rebuild. */
export async function statsSnapshot(store: Store) {
  const q = (table: string, order: string) => store.db.all<Record<string, unknown>>(sql.raw(`select * from ${table} order by ${order}`));
  return {
    memberProducts: await q('rec_member_products', 'member_id, product_id'),
    profiles: await q('rec_member_profiles', 'member_id'),
    memberCategories: await q('rec_member_categories', 'member_id, category'),
    productStats: await q('rec_product_stats', 'product_id'),
    categoryStats: await q('rec_category_stats', 'category'),
    totals: await q('rec_totals', 'id'),
    pairs: await q('rec_product_pairs', 'product_id, other_id'),
  };
}
