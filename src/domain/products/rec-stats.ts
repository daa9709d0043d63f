// Recommendation statistics: applied inside the order's own transaction when it is paid or undone, rebuilt in bulk on demand.
import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { DAY_MS } from '../../lib/time.js';
import type { Verb } from '../context.js';

/**
 * Half-life of a member's own purchases: one year. Retail habits have an annual rhythm (seasons,
 * holidays, school years), so a purchase keeps most of its weight until the same time next year, while
 * a habit the member dropped years ago fades. Shorter half-lives mistake the noise of which staple was
 * bought last for a change of taste (see README: a 90-day half-life was checked and does worse).
 */
export const MEMBER_HALF_LIFE_DAYS = 365;
/**
 * Half-life of popularity: 30 days, a month of sales. What sells now (season, promotions, new
 * products) predicts the next basket better than the whole history, and a month of orders is still
 * enough volume to rank a catalog.
 */
export const POPULARITY_HALF_LIFE_DAYS = 30;
/**
 * Weights are 2^((t - epoch) / half-life) (see db/schema/recommendations.ts). With the 30-day
 * popularity half-life a double holds them for about 80 years either side of the epoch.
 */
export const RECS_EPOCH_MS = Date.UTC(2025, 0, 1);
/**
 * Only the first products of a very large order form co-purchase pairs: an order of n products makes
 * n(n-1) pair updates, and a 200-line stock-up order says little about what goes with what.
 */
export const MAX_PAIR_PRODUCTS = 40;

/** The growing weight of an event at `atMs` for a half-life in days. */
export function growth(atMs: number, halfLifeDays: number): number {
  return 2 ** ((atMs - RECS_EPOCH_MS) / (halfLifeDays * DAY_MS));
}

/** Multiplying a stored weight by this gives its decayed value at `nowMs`. */
export function decayTo(nowMs: number, halfLifeDays: number): number {
  return 2 ** (-(nowMs - RECS_EPOCH_MS) / (halfLifeDays * DAY_MS));
}

export interface PurchaseStatsEvent {
  memberId: string;
  orderedAt: Date;
  lines: readonly { productId: string; quantity: number }[];
}

/** `INSERT ... SELECT ... FROM json_each(?)`: one small statement whatever the number of rows. */
const rows = (values: unknown[][]) => JSON.stringify(values);

/**
 * Adds (sign 1, the order was paid) or removes (sign -1, a paid order was refunded or cancelled) one
 * order's contribution to every statistic, in the caller's transaction. The caller guarantees each
 * order is added once and removed at most once after it was added (applyOrderEvent does: it applies
 * the transitions into and out of the paid states, which happen once per order).
 */
export async function applyPurchaseStats(tx: Tx, event: PurchaseStatsEvent, sign: 1 | -1): Promise<void> {
  // Distinct products in line order, with their units.
  const units = new Map<string, number>();
  for (const l of event.lines) units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
  if (units.size === 0) return;
  const ids = [...units.keys()];
  const at = event.orderedAt.getTime();
  const wm = growth(at, MEMBER_HALF_LIFE_DAYS);
  const wp = growth(at, POPULARITY_HALF_LIFE_DAYS);
  const catRows = await tx.all<{ id: string; category: string }>(
    sql`select id, category from products where id in (select value from json_each(${JSON.stringify(ids)}))`,
  );
  const categoryOf = new Map(catRows.map((r) => [r.id, r.category]));
  const perCategory = new Map<string, number>();
  for (const id of ids) {
    const c = categoryOf.get(id) ?? '';
    perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
  }
  const cats = [...perCategory];
  const pairIds = ids.slice(0, MAX_PAIR_PRODUCTS);
  const pairs: string[][] = [];
  for (const a of pairIds) for (const b of pairIds) if (a !== b) pairs.push([a, b]);

  if (sign === 1) {
    const touched = await tx.all<{ product_id: string; orders: number }>(sql`
      insert into rec_member_products (member_id, product_id, orders, units, weight, last_ordered_at)
      select ${event.memberId}, value ->> 0, 1, value ->> 1, ${wm}, ${at} from json_each(${rows(ids.map((id) => [id, units.get(id)]))}) where true
      on conflict (member_id, product_id) do update set
        orders = orders + 1, units = units + excluded.units, weight = weight + excluded.weight,
        last_ordered_at = max(last_ordered_at, excluded.last_ordered_at)
      returning product_id, orders`);
    const newBuyer = new Set(touched.filter((r) => Number(r.orders) === 1).map((r) => r.product_id));
    // Moments for the prior strength: n -> n+1 adds 2n to n(n-1) and 2s+1 to s^2.
    const repeatPairs = touched.reduce((sum, r) => sum + 2 * (Number(r.orders) - 1), 0);
    const productOrders = await tx.all<{ orders: number }>(sql`
      insert into rec_product_stats (product_id, category, orders, buyers, weight)
      select value ->> 0, value ->> 1, 1, value ->> 2, ${wp} from json_each(${rows(ids.map((id) => [id, categoryOf.get(id) ?? '', newBuyer.has(id) ? 1 : 0]))}) where true
      on conflict (product_id) do update set
        category = excluded.category, orders = orders + 1, buyers = buyers + excluded.buyers, weight = weight + excluded.weight
      returning orders`);
    const productOrdersSq = productOrders.reduce((sum, r) => sum + 2 * (Number(r.orders) - 1) + 1, 0);
    const [profile] = await tx.all<{ orders: number }>(sql`
      insert into rec_member_profiles (member_id, orders, weight) values (${event.memberId}, 1, ${wm})
      on conflict (member_id) do update set orders = orders + 1, weight = weight + excluded.weight
      returning orders`);
    const memberOrderPairs = 2 * (Number(profile?.orders ?? 1) - 1);
    await tx.run(sql`
      insert into rec_member_categories (member_id, category, items, weight)
      select ${event.memberId}, value ->> 0, value ->> 1, (value ->> 1) * ${wm} from json_each(${rows(cats)}) where true
      on conflict (member_id, category) do update set items = items + excluded.items, weight = weight + excluded.weight`);
    await tx.run(sql`
      insert into rec_category_stats (category, items, weight)
      select value ->> 0, value ->> 1, (value ->> 1) * ${wp} from json_each(${rows(cats)}) where true
      on conflict (category) do update set items = items + excluded.items, weight = weight + excluded.weight`);
    await tx.run(sql`
      insert into rec_totals (id, orders, weight, member_order_pairs, product_orders, product_orders_sq, repeat_pairs)
      values ('all', 1, ${wp}, ${memberOrderPairs}, ${ids.length}, ${productOrdersSq}, ${repeatPairs})
      on conflict (id) do update set
        orders = orders + 1, weight = weight + excluded.weight, member_order_pairs = member_order_pairs + excluded.member_order_pairs,
        product_orders = product_orders + excluded.product_orders, product_orders_sq = product_orders_sq + excluded.product_orders_sq,
        repeat_pairs = repeat_pairs + excluded.repeat_pairs`);
    if (pairs.length > 0) {
      await tx.run(sql`
        insert into rec_product_pairs (product_id, other_id, orders)
        select value ->> 0, value ->> 1, 1 from json_each(${rows(pairs)}) where true
        on conflict (product_id, other_id) do update set orders = orders + 1`);
    }
    return;
  }

  // Removal mirrors the addition; weights are clamped at zero against rounding, and rows whose order
  // count reaches zero are deleted so a refunded one-off purchase leaves no trace.
  const idsJson = JSON.stringify(ids);
  const left = await tx.all<{ product_id: string; orders: number }>(sql`
    update rec_member_products set
      orders = orders - 1, units = max(0, units - x.q), weight = max(0, weight - ${wm})
    from (select value ->> 0 as pid, value ->> 1 as q from json_each(${rows(ids.map((id) => [id, units.get(id)]))})) as x
    where member_id = ${event.memberId} and product_id = x.pid
    returning product_id, orders`);
  const lostBuyer = new Set(left.filter((r) => Number(r.orders) <= 0).map((r) => r.product_id));
  // n+1 -> n removes 2n from n(n-1); s+1 -> s removes 2s+1 from s^2.
  const repeatPairs = left.reduce((sum, r) => sum + 2 * Math.max(0, Number(r.orders)), 0);
  await tx.run(sql`delete from rec_member_products where member_id = ${event.memberId} and orders <= 0`);
  const productLeft = await tx.all<{ orders: number }>(sql`
    update rec_product_stats set
      orders = orders - 1, buyers = max(0, buyers - x.lost), weight = max(0, weight - ${wp})
    from (select value ->> 0 as pid, value ->> 1 as lost from json_each(${rows(ids.map((id) => [id, lostBuyer.has(id) ? 1 : 0]))})) as x
    where product_id = x.pid
    returning orders`);
  const productOrdersSq = productLeft.reduce((sum, r) => sum + 2 * Math.max(0, Number(r.orders)) + 1, 0);
  await tx.run(sql`delete from rec_product_stats where orders <= 0 and product_id in (select value from json_each(${idsJson}))`);
  const [profile] = await tx.all<{ orders: number }>(sql`
    update rec_member_profiles set orders = orders - 1, weight = case when orders - 1 <= 0 then 0 else max(0, weight - ${wm}) end
    where member_id = ${event.memberId}
    returning orders`);
  const memberOrderPairs = 2 * Math.max(0, Number(profile?.orders ?? 0));
  await tx.run(sql`delete from rec_member_profiles where member_id = ${event.memberId} and orders <= 0`);
  await tx.run(sql`
    update rec_member_categories set
      items = items - x.n, weight = case when items - x.n <= 0 then 0 else max(0, weight - x.n * ${wm}) end
    from (select value ->> 0 as c, value ->> 1 as n from json_each(${rows(cats)})) as x
    where member_id = ${event.memberId} and category = x.c`);
  await tx.run(sql`delete from rec_member_categories where member_id = ${event.memberId} and items <= 0`);
  await tx.run(sql`
    update rec_category_stats set
      items = items - x.n, weight = case when items - x.n <= 0 then 0 else max(0, weight - x.n * ${wp}) end
    from (select value ->> 0 as c, value ->> 1 as n from json_each(${rows(cats)})) as x
    where category = x.c`);
  await tx.run(sql`
    update rec_totals set
      orders = orders - 1, weight = case when orders - 1 <= 0 then 0 else max(0, weight - ${wp}) end,
      member_order_pairs = max(0, member_order_pairs - ${memberOrderPairs}), product_orders = max(0, product_orders - ${productLeft.length}),
      product_orders_sq = max(0, product_orders_sq - ${productOrdersSq}), repeat_pairs = max(0, repeat_pairs - ${repeatPairs})
    where id = 'all'`);
  if (pairs.length > 0) {
    await tx.run(sql`
      update rec_product_pairs set orders = orders - 1
      where (product_id, other_id) in (select value ->> 0, value ->> 1 from json_each(${rows(pairs)}))`);
    await tx.run(sql`delete from rec_product_pairs where orders <= 0 and product_id in (select value from json_each(${idsJson}))`);
  }
}

export interface RebuildResult {
  orders: number;
  memberProducts: number;
  pairs: number;
}

const REC_TABLES = [
  'rec_member_products',
  'rec_member_profiles',
  'rec_member_categories',
  'rec_product_stats',
  'rec_category_stats',
  'rec_totals',
  'rec_product_pairs',
] as const;

/**
 * Recomputes every statistic from the paid orders in the store, set-based, in one transaction (so
 * live order events wait instead of landing in a half-built table). For stores filled by bulk seeds
 * that bypass applyOrderEvent, and as the backfill of a store created before the recommender. The
 * result equals what applying each paid order through applyPurchaseStats gives (a test checks it).
 */
/**
 * Erased members (src/domain/privacy) keep their orders for accounting but get no purchase profile again:
 * their orders still count in store-wide popularity, anonymously.
 */
const notErased = (column: SQL) => sql`${column} not in (select id from members where erased_at is not null)`;

export const rebuildRecommendationStats: Verb<Record<string, never>, RebuildResult> = async ({ ctx }) =>
  ctx.store.write(async (tx) => {
    for (const t of REC_TABLES) await tx.run(sql.raw(`delete from ${t}`));
    const m = MEMBER_HALF_LIFE_DAYS * DAY_MS;
    const p = POPULARITY_HALF_LIFE_DAYS * DAY_MS;
    const paid = sql.raw(`('paid', 'shipped', 'delivered')`);
    await tx.run(sql`drop table if exists temp.rec_items`);
    // One row per (order, distinct product): the unit applyPurchaseStats counts.
    await tx.run(sql`
      create temp table rec_items as
      select o.id as oid, o.member_id as mid, o.ordered_at as t, l.product_id as pid, sum(l.quantity) as q,
             min(l.line_no) as first_line, coalesce(pr.category, '') as cat
      from orders o join order_lines l on l.order_id = o.id left join products pr on pr.id = l.product_id
      where o.status in ${paid}
      group by o.id, l.product_id`);
    await tx.run(sql`
      insert into rec_member_products (member_id, product_id, orders, units, weight, last_ordered_at)
      select mid, pid, count(*), sum(q), sum(power(2, (t - ${RECS_EPOCH_MS}) * 1.0 / ${m})), max(t) from rec_items
      where ${notErased(sql.raw('mid'))} group by mid, pid`);
    await tx.run(sql`
      insert into rec_product_stats (product_id, category, orders, buyers, weight)
      select pid, max(cat), count(*), count(distinct mid), sum(power(2, (t - ${RECS_EPOCH_MS}) * 1.0 / ${p})) from rec_items group by pid`);
    await tx.run(sql`
      insert into rec_member_profiles (member_id, orders, weight)
      select member_id, count(*), sum(power(2, (ordered_at - ${RECS_EPOCH_MS}) * 1.0 / ${m})) from orders
      where status in ${paid} and exists (select 1 from order_lines l where l.order_id = orders.id) and ${notErased(sql.raw('member_id'))}
      group by member_id`);
    await tx.run(sql`
      insert into rec_member_categories (member_id, category, items, weight)
      select mid, cat, count(*), sum(power(2, (t - ${RECS_EPOCH_MS}) * 1.0 / ${m})) from rec_items
      where ${notErased(sql.raw('mid'))} group by mid, cat`);
    await tx.run(sql`
      insert into rec_category_stats (category, items, weight)
      select cat, count(*), sum(power(2, (t - ${RECS_EPOCH_MS}) * 1.0 / ${p})) from rec_items group by cat`);
    await tx.run(sql`
      insert into rec_totals (id, orders, weight, member_order_pairs, product_orders, product_orders_sq, repeat_pairs)
      select 'all', count(*), coalesce(sum(power(2, (ordered_at - ${RECS_EPOCH_MS}) * 1.0 / ${p})), 0),
        coalesce((select sum(orders * (orders - 1)) from rec_member_profiles), 0),
        coalesce((select sum(orders) from rec_product_stats), 0),
        coalesce((select sum(orders * orders) from rec_product_stats), 0),
        coalesce((select sum(orders * (orders - 1)) from rec_member_products), 0)
      from orders
      where status in ${paid} and exists (select 1 from order_lines l where l.order_id = orders.id)`);
    await tx.run(sql`
      insert into rec_product_pairs (product_id, other_id, orders)
      select a.pid, b.pid, count(*) from
        (select oid, pid from (select oid, pid, row_number() over (partition by oid order by first_line) as rn from rec_items) where rn <= ${MAX_PAIR_PRODUCTS}) a
        join (select oid, pid from (select oid, pid, row_number() over (partition by oid order by first_line) as rn from rec_items) where rn <= ${MAX_PAIR_PRODUCTS}) b
          on a.oid = b.oid and a.pid <> b.pid
      group by a.pid, b.pid`);
    const [counts] = await tx.all<{ orders: number; mp: number; pairs: number }>(sql`
      select (select orders from rec_totals where id = 'all') as orders, (select count(*) from rec_member_products) as mp,
             (select count(*) from rec_product_pairs) as pairs`);
    await tx.run(sql`drop table temp.rec_items`);
    return { orders: Number(counts?.orders ?? 0), memberProducts: Number(counts?.mp ?? 0), pairs: Number(counts?.pairs ?? 0) };
  });

/**
 * The idempotent backfill: rebuilds only when the store has paid orders but no statistics yet (a
 * store created before the recommender, or filled by a bulk seed). Cheap to call at every start.
 */
export const ensureRecommendationStats: Verb<Record<string, never>, RebuildResult | null> = async ({ ctx }) => {
  const [row] = await ctx.store.db.all<{ have: number; paid: number }>(sql`
    select exists (select 1 from rec_totals) as have,
           exists (select 1 from orders where status in ('paid', 'shipped', 'delivered')) as paid`);
  if (Number(row?.have) || !Number(row?.paid)) return null;
  return rebuildRecommendationStats({ ctx, input: {} });
};
