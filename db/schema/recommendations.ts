// Recommendation statistics: purchase counts kept up to date by every paid or refunded order, read by the recommender.
//
// Decayed weights use the "growing exponential" trick: a purchase at time t adds 2^((t - RECS_EPOCH) / H)
// instead of 2^((t - now) / H). Every weight of one family shares the factor 2^(-(now - RECS_EPOCH) / H),
// so sums can be kept incrementally (no nightly re-decay) and ratios between them are the decayed ratios
// at any moment. See src/domain/products/rec-stats.ts for the half-lives.
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per (member, product) the member has paid for: the member's own repeat-buying history. */
export const recMemberProducts = sqliteTable(
  'rec_member_products',
  {
    memberId: text('member_id').notNull(),
    productId: text('product_id').notNull(),
    /** Paid orders of this member containing the product. */
    orders: integer('orders').notNull(),
    units: integer('units').notNull(),
    /** Sum over those orders of the member-decay weight of the order time. */
    weight: real('weight').notNull(),
    lastOrderedAt: integer('last_ordered_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.productId] }), index('rec_member_products_weight_idx').on(t.memberId, t.weight)],
);

/** Per member: how many paid orders and their decayed weight (the denominator of repeat rates). */
export const recMemberProfiles = sqliteTable('rec_member_profiles', {
  memberId: text('member_id').primaryKey(),
  orders: integer('orders').notNull(),
  weight: real('weight').notNull(),
});

/** Per (member, category): decayed count of product-order pairs, for category affinity. */
export const recMemberCategories = sqliteTable(
  'rec_member_categories',
  {
    memberId: text('member_id').notNull(),
    category: text('category').notNull(),
    items: integer('items').notNull(),
    weight: real('weight').notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.category] })],
);

/** Per product: popularity (orders, distinct buyers, decayed orders) with its category copied for ranking. */
export const recProductStats = sqliteTable(
  'rec_product_stats',
  {
    productId: text('product_id').primaryKey(),
    category: text('category').notNull().default(''),
    orders: integer('orders').notNull(),
    buyers: integer('buyers').notNull(),
    /** Sum over paid orders containing it of the popularity-decay weight. */
    weight: real('weight').notNull(),
  },
  (t) => [index('rec_product_stats_weight_idx').on(t.weight), index('rec_product_stats_category_idx').on(t.category, t.weight)],
);

/** Per category: decayed count of product-order pairs (the population's category shares). */
export const recCategoryStats = sqliteTable('rec_category_stats', {
  category: text('category').primaryKey(),
  items: integer('items').notNull(),
  weight: real('weight').notNull(),
});

/**
 * Store-wide totals (one row, id 'all'): paid orders and their decayed weight, plus the moments the
 * prior strength is estimated from (see estimatePriorStrength in src/domain/products/recommend.ts).
 */
export const recTotals = sqliteTable('rec_totals', {
  id: text('id').primaryKey(),
  orders: integer('orders').notNull(),
  weight: real('weight').notNull(),
  /** Sum over members of N(N-1), N = the member's paid orders. */
  memberOrderPairs: integer('member_order_pairs').notNull().default(0),
  /** Sum over products of the orders containing them (product-order pairs). */
  productOrders: integer('product_orders').notNull().default(0),
  /** Sum over products of the square of their order count. */
  productOrdersSq: integer('product_orders_sq').notNull().default(0),
  /** Sum over (member, product) of n(n-1), n = the member's orders containing the product. */
  repeatPairs: integer('repeat_pairs').notNull().default(0),
});

/**
 * Co-purchase counts: paid orders containing both products, stored in both directions so a product's
 * neighbours are one index range read, strongest first.
 */
export const recProductPairs = sqliteTable(
  'rec_product_pairs',
  {
    productId: text('product_id').notNull(),
    otherId: text('other_id').notNull(),
    orders: integer('orders').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.otherId] }), index('rec_product_pairs_top_idx').on(t.productId, t.orders)],
);

export type RecMemberProduct = typeof recMemberProducts.$inferSelect;
