// Product catalog (bilingual names; price in cents; optional tier restriction).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Chinese name when the catalog has one; replies fall back to name. */
    nameZh: text('name_zh'),
    category: text('category').notNull().default(''),
    /** The category's Chinese label when the catalog has one; zh-CN replies fall back to category. */
    categoryZh: text('category_zh'),
    brand: text('brand').notNull().default(''),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull().default(100),
    /** Lowest tier allowed to buy it (members-only items); null for everyone. */
    minTierCode: text('min_tier_code'),
  },
  (t) => [index('products_category_idx').on(t.category)],
);

export type Product = typeof products.$inferSelect;
