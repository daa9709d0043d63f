// recommendForMember: products a member is likely to buy next, from precomputed statistics, with a reason for each.
import { sql } from 'drizzle-orm';
import { DomainError } from '../../lib/errors.js';
import type { DomainCtx, Verb } from '../context.js';
import { decayTo, MEMBER_HALF_LIFE_DAYS } from './rec-stats.js';

/**
 * The prior strength used until the store has enough history to estimate it (see
 * estimatePriorStrength): 100 pseudo-orders, about two years of weekly shopping.
 */
export const DEFAULT_PRIOR_STRENGTH = 100;
/** Bounds of the estimated strength: never let one purchase be ignored, never let the prior vanish. */
const MIN_PRIOR_STRENGTH = 1;
const MAX_PRIOR_STRENGTH = 1_000;
/** The member's own products read per request, strongest first: more than any k we serve. */
const OWN_ROWS = 60;
/** The member's strongest products whose co-purchase neighbours are read. */
const SEEDS = 15;
/** Neighbours read per seed product (the bounded neighbour list). */
const NEIGHBOURS = 20;
/** Popular products read (after the filters) to fill the list. */
const POPULAR_ROWS = 60;
/** The member's favourite categories whose best sellers become candidates, and how many of each. */
const FAVOURITE_CATEGORIES = 5;
const CATEGORY_ROWS = 10;
export const MAX_K = 50;

export type ReasonKind = 'repeat' | 'co_purchase' | 'category' | 'popular';

export interface RecommendationReason {
  kind: ReasonKind;
  /** repeat: the product itself; co_purchase: the member's product it is bought together with. */
  productId?: string;
  productName?: string;
  productNameZh?: string | null;
  /** category and popular: the product's category (empty categories are left out). */
  category?: string;
  /** repeat: paid orders of the member that contained it. */
  timesBought?: number;
}

export interface Recommendation {
  productId: string;
  name: string;
  nameZh: string | null;
  priceCents: number;
  category: string;
  /** Estimated chance the product is in the member's next order (0-1); only the order is meaningful across members. */
  score: number;
  reason: RecommendationReason;
  /** The member's points balance covers the price at the program's point value. */
  pointsCanPay: boolean;
}

export interface RecommendInput {
  memberId: string;
  k: number;
  minPriceCents?: number;
  maxPriceCents?: number;
  /** Only products of this category (case-insensitive exact match). */
  category?: string;
}

interface Filters {
  allowedTiers: string[];
  minPriceCents?: number;
  maxPriceCents?: number;
  category?: string;
}

interface ProductRow {
  id: string;
  name: string;
  name_zh: string | null;
  category: string;
  price_cents: number;
  stock: number;
  min_tier_code: string | null;
  orders: number | null;
  weight: number | null;
}

const json = (v: unknown) => JSON.stringify(v);

/** SQL predicate of the filters on `p` (products). */
function filterSql(f: Filters) {
  const parts = [
    sql`p.stock > 0`,
    sql`(p.min_tier_code is null or p.min_tier_code in (select value from json_each(${json(f.allowedTiers)})))`,
  ];
  if (f.minPriceCents !== undefined) parts.push(sql`p.price_cents >= ${f.minPriceCents}`);
  if (f.maxPriceCents !== undefined) parts.push(sql`p.price_cents <= ${f.maxPriceCents}`);
  if (f.category !== undefined) parts.push(sql`lower(p.category) = lower(${f.category})`);
  return sql.join(parts, sql` and `);
}

function passes(p: ProductRow, f: Filters): boolean {
  if (p.stock <= 0) return false;
  if (p.min_tier_code !== null && !f.allowedTiers.includes(p.min_tier_code)) return false;
  if (f.minPriceCents !== undefined && p.price_cents < f.minPriceCents) return false;
  if (f.maxPriceCents !== undefined && p.price_cents > f.maxPriceCents) return false;
  if (f.category !== undefined && p.category.toLowerCase() !== f.category.toLowerCase()) return false;
  return true;
}

/**
 * Ranks products for one member by the estimated chance each is in their next order (kappa, the
 * prior strength in pseudo-orders, is estimated from the store: see estimatePriorStrength):
 *
 *   score(i) = (n_i + kappa * prior_i) / (N + kappa)
 *   prior_i  = scale * P(c_i | member) * p_i / P(c_i) + sum_j s_j * pairs(j, i) / (orders_j + kappa)
 *
 * n_i and N are the member's decayed purchases of i and decayed orders (repeat buying); p_i is the
 * share of recent orders containing i (popularity); P(c | member) is the member's share of category c
 * shrunk toward the population's P(c) (category affinity); the sum runs over the member's strongest
 * products j with weights s_j (their share of the member's purchases), and pairs(j, i) / (orders_j +
 * kappa) is the co-purchase confidence of "j then i" shrunk toward zero; scale = sum_j s_j * kappa /
 * (orders_j + kappa) is the rest of that shrinkage, toward popularity. With no history the score is
 * popularity (by category when filtered); with rich history the member's habits dominate. Each item's
 * reason is the largest of the three terms of its numerator.
 *
 * Reads only the member's rows, bounded neighbour lists of their strongest products, the top of the
 * popularity index and the candidates' catalog rows: no work grows with the store.
 */
export const recommendForMember: Verb<RecommendInput, Recommendation[]> = async ({ ctx, input }) => {
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K)
    throw new DomainError('bad_request', `k must be a whole number from 1 to ${MAX_K}`);
  if (input.minPriceCents !== undefined && input.maxPriceCents !== undefined && input.minPriceCents > input.maxPriceCents)
    throw new DomainError('bad_request', 'The lowest price must not be above the highest price');
  const db = ctx.store.db;
  const [member] = await db.all<{ tier_code: string; points_balance: number; allowed: string }>(sql`
    select m.tier_code, m.points_balance,
           (select json_group_array(t.code) from tiers t where t.rank <= coalesce((select rank from tiers where code = m.tier_code), 0)) as allowed
    from members m where m.id = ${input.memberId}`);
  if (!member) throw new DomainError('not_found', `Member ${input.memberId} not found`);
  const filters: Filters = {
    allowedTiers: JSON.parse(member.allowed) as string[],
    minPriceCents: input.minPriceCents,
    maxPriceCents: input.maxPriceCents,
    category: input.category?.trim() || undefined,
  };
  const ranked = await rank(ctx, input.memberId, filters, input.k);
  const budgetCents = Number(member.points_balance) * ctx.rules.pointValueCents;
  return ranked.map((r) => ({ ...r, pointsCanPay: budgetCents >= r.priceCents }));
};

export interface TotalsRow {
  orders: number;
  weight: number;
  member_order_pairs: number;
  product_orders: number;
  product_orders_sq: number;
  repeat_pairs: number;
}

/**
 * Empirical Bayes: the prior strength kappa is estimated from the store's own history, not chosen.
 * If each member's chance of buying product i in an order is drawn from a Beta with mean p_i and
 * strength kappa, then E[n(n-1)] = N(N-1) (p_i^2 + rho p_i (1 - p_i)) with rho = 1 / (kappa + 1), for
 * n of a member's N orders containing i. Summed over members and products (method of moments):
 *
 *   sum n(n-1) = sum N(N-1) * (sum p_i^2 + rho * (sum p_i - sum p_i^2)),   p_i = orders_i / orders
 *
 * Every sum is kept incrementally in rec_totals, so the estimate costs one row read. Members who
 * differ a lot (a repeat-heavy store) give a small kappa and personal history dominates; members who
 * buy alike give a large one and popularity dominates.
 */
export function estimatePriorStrength(t: TotalsRow | undefined): number {
  if (!t) return DEFAULT_PRIOR_STRENGTH;
  const T = Number(t.orders);
  const Q = Number(t.member_order_pairs);
  if (T <= 0 || Q <= 0) return DEFAULT_PRIOR_STRENGTH;
  const sumP = Number(t.product_orders) / T;
  const sumP2 = Number(t.product_orders_sq) / (T * T);
  const spread = sumP - sumP2;
  if (spread <= 0) return DEFAULT_PRIOR_STRENGTH;
  const rho = (Number(t.repeat_pairs) / Q - sumP2) / spread;
  if (!(rho > 0)) return MAX_PRIOR_STRENGTH;
  return Math.min(MAX_PRIOR_STRENGTH, Math.max(MIN_PRIOR_STRENGTH, 1 / rho - 1));
}

/**
 * Recommendations for someone with no history in the store (a shopper not yet a member, a member id
 * an export names but the store has never seen): popularity under the filters, for the lowest tier.
 */
export const recommendForNewcomer: Verb<Omit<RecommendInput, 'memberId'>, Recommendation[]> = async ({ ctx, input }) => {
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K)
    throw new DomainError('bad_request', `k must be a whole number from 1 to ${MAX_K}`);
  const [lowest] = await ctx.store.db.all<{ code: string }>(sql`select code from tiers order by rank limit 1`);
  const filters: Filters = {
    allowedTiers: lowest ? [lowest.code] : [],
    minPriceCents: input.minPriceCents,
    maxPriceCents: input.maxPriceCents,
    category: input.category?.trim() || undefined,
  };
  // No member id can match the empty string (ids are 1-64 characters), so only population rows are read.
  const ranked = await rank(ctx, '', filters, input.k);
  return ranked.map((r) => ({ ...r, pointsCanPay: false }));
};

async function rank(ctx: DomainCtx, memberId: string, filters: Filters, k: number): Promise<Omit<Recommendation, 'pointsCanPay'>[]> {
  const db = ctx.store.db;
  const fm = decayTo(ctx.clock().getTime(), MEMBER_HALF_LIFE_DAYS);

  const [[profile], own, memberCats, [totals]] = await Promise.all([
    db.all<{ weight: number }>(sql`select weight from rec_member_profiles where member_id = ${memberId}`),
    db.all<{ product_id: string; orders: number; weight: number }>(
      sql`select product_id, orders, weight from rec_member_products where member_id = ${memberId} order by weight desc limit ${OWN_ROWS}`,
    ),
    db.all<{ category: string; weight: number }>(
      sql`select category, weight from rec_member_categories where member_id = ${memberId} order by weight desc`,
    ),
    db.all<TotalsRow>(
      sql`select orders, weight, member_order_pairs, product_orders, product_orders_sq, repeat_pairs from rec_totals where id = 'all'`,
    ),
  ]);
  const kappa = estimatePriorStrength(totals);
  const N = (profile?.weight ?? 0) * fm;
  const totalWeight = totals?.weight ?? 0;
  const seeds = own.slice(0, SEEDS);

  const neighbourSql = seeds.map(
    (s) =>
      sql`select * from (select product_id, other_id, orders from rec_product_pairs where product_id = ${s.product_id} order by orders desc limit ${NEIGHBOURS})`,
  );
  const favourites = memberCats.filter((c) => c.category !== '').slice(0, FAVOURITE_CATEGORIES);
  const categorySql = favourites.map(
    (c) =>
      sql`select * from (select product_id from rec_product_stats where category = ${c.category} order by weight desc limit ${CATEGORY_ROWS})`,
  );
  const [neighbours, popular, categoryTop] = await Promise.all([
    neighbourSql.length
      ? db.all<{ product_id: string; other_id: string; orders: number }>(sql.join(neighbourSql, sql` union all `))
      : Promise.resolve([]),
    // Popularity under the filters, so a narrow price band or a category still fills the list.
    db.all<{ product_id: string }>(sql`
      select s.product_id from rec_product_stats s join products p on p.id = s.product_id
      where ${filterSql(filters)} order by s.weight desc limit ${POPULAR_ROWS}`),
    categorySql.length ? db.all<{ product_id: string }>(sql.join(categorySql, sql` union all `)) : Promise.resolve([]),
  ]);

  const ids = new Set<string>();
  for (const r of own) ids.add(r.product_id);
  for (const r of neighbours) ids.add(r.other_id);
  for (const r of popular) ids.add(r.product_id);
  for (const r of categoryTop) ids.add(r.product_id);
  if (ids.size === 0) return [];
  const rows = await db.all<ProductRow>(sql`
    select p.id, p.name, p.name_zh, p.category, p.price_cents, p.stock, p.min_tier_code, s.orders, s.weight
    from products p left join rec_product_stats s on s.product_id = p.id
    where p.id in (select value from json_each(${json([...ids])}))`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const cats = [...new Set(rows.map((r) => r.category))];
  const catRows = await db.all<{ category: string; weight: number }>(
    sql`select category, weight from rec_category_stats where category in (select value from json_each(${json(cats)}))`,
  );
  const popCat = new Map(catRows.map((c) => [c.category, totalWeight > 0 ? c.weight / totalWeight : 0]));
  const memberCat = new Map(memberCats.map((c) => [c.category, c.weight * fm]));

  // Co-purchase: seed weights s_j, the shrinkage left for popularity, and per candidate the best seed.
  const ownBy = new Map(own.map((r) => [r.product_id, r]));
  const seedTotal = seeds.reduce((s, r) => s + r.weight * fm, 0);
  let scale = seeds.length && seedTotal > 0 ? 0 : 1;
  const seedShare = new Map<string, number>();
  for (const s of seeds) {
    if (seedTotal <= 0) break;
    const share = (s.weight * fm) / seedTotal;
    seedShare.set(s.product_id, share);
    scale += (share * kappa) / (Number(byId.get(s.product_id)?.orders ?? 0) + kappa);
  }
  const co = new Map<string, { sum: number; best: number; seed: string }>();
  for (const r of neighbours) {
    const share = seedShare.get(r.product_id);
    if (share === undefined) continue;
    const v = (share * Number(r.orders)) / (Number(byId.get(r.product_id)?.orders ?? 0) + kappa);
    const e = co.get(r.other_id) ?? { sum: 0, best: 0, seed: r.product_id };
    e.sum += v;
    if (v > e.best) {
      e.best = v;
      e.seed = r.product_id;
    }
    co.set(r.other_id, e);
  }

  const out: Omit<Recommendation, 'pointsCanPay'>[] = [];
  for (const p of rows) {
    if (!passes(p, filters)) continue;
    const n = (ownBy.get(p.id)?.weight ?? 0) * fm;
    const pi = totalWeight > 0 ? Number(p.weight ?? 0) / totalWeight : 0;
    const pc = popCat.get(p.category) ?? 0;
    const pcMember = ((memberCat.get(p.category) ?? 0) + kappa * pc) / (N + kappa);
    const base = pc > 0 ? (pcMember * pi) / pc : pi;
    const c = co.get(p.id);
    const repeatTerm = n;
    const popularTerm = kappa * scale * base;
    const coTerm = kappa * (c?.sum ?? 0);
    const score = (repeatTerm + popularTerm + coTerm) / (N + kappa);
    if (score <= 0) continue;
    let reason: RecommendationReason;
    if (repeatTerm >= popularTerm && repeatTerm >= coTerm) {
      reason = {
        kind: 'repeat',
        productId: p.id,
        productName: p.name,
        productNameZh: p.name_zh,
        timesBought: Number(ownBy.get(p.id)?.orders ?? 0),
      };
    } else if (c && coTerm >= popularTerm) {
      const seed = byId.get(c.seed);
      reason = { kind: 'co_purchase', productId: c.seed, productName: seed?.name ?? c.seed, productNameZh: seed?.name_zh ?? null };
    } else if (p.category !== '' && pcMember > pc) {
      reason = { kind: 'category', category: p.category };
    } else {
      reason = p.category !== '' ? { kind: 'popular', category: p.category } : { kind: 'popular' };
    }
    out.push({ productId: p.id, name: p.name, nameZh: p.name_zh, priceCents: p.price_cents, category: p.category, score, reason });
  }
  out.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  return out.slice(0, k);
}
