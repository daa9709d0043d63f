// recommendForMember: products a member is likely to buy next, from precomputed statistics, with a reason for each.
import { executeSql } from '../../db/prepared.js';
import { DomainError } from '../../lib/errors.js';
import type { DomainCtx, Verb } from '../context.js';
import { bestPointsCoupon, listRedeemableCoupons, type PointsOff } from '../loyalty/coupons.js';
import { decayTo, MEMBER_HALF_LIFE_DAYS } from './rec-stats.js';

/**
 * The prior strength used until the store has enough history to estimate it (see
 * estimatePriorStrength): 100 pseudo-orders, about two years of weekly shopping.
 */
export const DEFAULT_PRIOR_STRENGTH = 100;
/** Bounds of the estimated strength: never let one purchase be ignored, never let the prior vanish. */
const MIN_PRIOR_STRENGTH = 1;
const MAX_PRIOR_STRENGTH = 1_000;
/** The member's own products read per request, strongest first (past these a long history adds only one-off purchases). */
const OWN_ROWS = 40;
/** The member's strongest products whose co-purchase neighbours are read. */
const SEEDS = 10;
/** Neighbours read per seed product (the bounded neighbour list). */
const NEIGHBOURS = 10;
/** Popular products read (after the filters) to fill the list. */
const POPULAR_ROWS = 30;
/**
 * With a price band, best sellers are looked for among this many of the most popular products first:
 * a band the best sellers miss (cheap goods sell most) would otherwise walk the popularity index far.
 * Only when that leaves the list short is the whole index searched.
 */
const BAND_WINDOW = 500;
/** The member's favourite categories whose best sellers become candidates, and how many of each. */
const FAVOURITE_CATEGORIES = 5;
const CATEGORY_ROWS = 5;
export const MAX_K = 50;

export type ReasonKind = 'repeat' | 'co_purchase' | 'category' | 'popular';

export interface RecommendationReason {
  kind: ReasonKind;
  /** repeat: the product itself; co_purchase: the member's product it is bought together with. */
  productId?: string;
  productName?: string;
  productNameZh?: string | null;
  /** category and popular: the product's category (empty categories are left out), and its Chinese label if any. */
  category?: string;
  categoryZh?: string | null;
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
  /** What a coupon the member's points can buy takes off it (points pay through coupons only); null when none fits. */
  pointsOff: PointsOff | null;
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
  category_zh: string | null;
  price_cents: number;
  stock: number;
  min_tier_code: string | null;
  orders: number | null;
  weight: number | null;
}

const json = (v: unknown) => JSON.stringify(v);

/** A piece of SQL text with its positional arguments. */
interface Sql {
  text: string;
  args: (string | number)[];
}

/** SQL predicate of the filters on `p` (products). */
function filterSql(f: Filters): Sql {
  const text = ['p.stock > 0', '(p.min_tier_code is null or p.min_tier_code in (select value from json_each(?)))'];
  const args: (string | number)[] = [json(f.allowedTiers)];
  if (f.minPriceCents !== undefined) {
    text.push('p.price_cents >= ?');
    args.push(f.minPriceCents);
  }
  if (f.maxPriceCents !== undefined) {
    text.push('p.price_cents <= ?');
    args.push(f.maxPriceCents);
  }
  if (f.category !== undefined) {
    text.push('lower(p.category) = lower(?)');
    args.push(f.category);
  }
  return { text: text.join(' and '), args };
}

/** Rows of a hand-written statement (the two statements of a request skip the query builder). */
async function query<R>(ctx: DomainCtx, stmt: Sql): Promise<R[]> {
  const rs = await executeSql(ctx.store.db, { sql: stmt.text, args: stmt.args });
  return rs.rows as unknown as R[];
}

function passes(p: ProductRow, f: Filters): boolean {
  if (p.stock <= 0) return false;
  if (p.min_tier_code !== null && !f.allowedTiers.includes(p.min_tier_code)) return false;
  if (f.minPriceCents !== undefined && p.price_cents < f.minPriceCents) return false;
  if (f.maxPriceCents !== undefined && p.price_cents > f.maxPriceCents) return false;
  if (f.category !== undefined && p.category.toLowerCase() !== f.category.toLowerCase()) return false;
  return true;
}

/** A recommendation without what the member's points take off it. */
export type RankedRecommendation = Omit<Recommendation, 'pointsOff'>;

async function rankFor(ctx: DomainCtx, input: RecommendInput): Promise<{ ranked: RankedRecommendation[]; balance: number }> {
  checkInput(input);
  const profile = await readProfile(ctx, input.memberId);
  if (!profile.member) throw new DomainError('not_found', `Member ${input.memberId} not found`);
  return { ranked: await rank(ctx, profile, filtersOf(input, profile.member.allowed), input.k), balance: profile.member.pointsBalance };
}

/**
 * The ranking alone, for what shows no points (a broadcast's {{recommendation}}, the agent's card): it spares the
 * coupon read `recommendForMember` adds, once per member of a broadcast.
 */
export const rankForMember: Verb<RecommendInput, RankedRecommendation[]> = async ({ ctx, input }) => (await rankFor(ctx, input)).ranked;

/** The ranking with what a coupon the member's points buy takes off each item (chat, the admin API). */
export const recommendForMember: Verb<RecommendInput, Recommendation[]> = async ({ ctx, input }) => {
  const [{ ranked, balance }, redeemable] = await Promise.all([rankFor(ctx, input), listRedeemableCoupons({ ctx, input: {} })]);
  return ranked.map((r) => ({ ...r, pointsOff: bestPointsCoupon(redeemable, balance, r.priceCents) }));
};

/**
 * Recommendations for someone with no history in the store (a shopper not yet a member, a member id
 * an export names but the store has never seen): popularity under the filters, for the lowest tier.
 */
export const recommendForNewcomer: Verb<Omit<RecommendInput, 'memberId'>, Recommendation[]> = async ({ ctx, input }) => {
  checkInput(input);
  // No member id is empty (ids are 1-64 characters), so only the population's rows are read.
  const profile = await readProfile(ctx, '');
  const ranked = await rank(ctx, profile, filtersOf(input, profile.lowestTier ? [profile.lowestTier] : []), input.k);
  return ranked.map((r) => ({ ...r, pointsOff: null }));
};

function checkInput(input: Omit<RecommendInput, 'memberId'>): void {
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K)
    throw new DomainError('bad_request', `k must be a whole number from 1 to ${MAX_K}`);
  if (input.minPriceCents !== undefined && input.maxPriceCents !== undefined && input.minPriceCents > input.maxPriceCents)
    throw new DomainError('bad_request', 'The lowest price must not be above the highest price');
}

function filtersOf(input: Omit<RecommendInput, 'memberId'>, allowedTiers: string[]): Filters {
  return {
    allowedTiers,
    minPriceCents: input.minPriceCents,
    maxPriceCents: input.maxPriceCents,
    category: input.category?.trim() || undefined,
  };
}

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

interface Profile {
  member: { tierCode: string; pointsBalance: number; allowed: string[] } | null;
  lowestTier: string | null;
  /** Stored (undecayed) weight of the member's orders. */
  ordersWeight: number;
  totals: TotalsRow | undefined;
  /** The member's strongest products: [productId, orders, weight]. */
  own: [string, number, number][];
  /** The member's categories: [category, weight]. */
  categories: [string, number][];
}

/**
 * Everything about the member in one statement (rows come back as JSON: one row to convert instead
 * of a hundred, which is most of the cost of a small query here).
 */
async function readProfile(ctx: DomainCtx, memberId: string): Promise<Profile> {
  const [row] = await query<{
    tier_code: string | null;
    points_balance: number | null;
    allowed: string;
    lowest: string | null;
    n_weight: number | null;
    totals: string | null;
    own: string;
    cats: string;
  }>(ctx, {
    text: `
    select m.tier_code, m.points_balance,
      (select json_group_array(t.code) from tiers t where t.rank <= coalesce((select rank from tiers where code = m.tier_code), 0)) as allowed,
      (select code from tiers order by rank limit 1) as lowest,
      (select weight from rec_member_profiles where member_id = x.id) as n_weight,
      (select json_object('orders', orders, 'weight', weight, 'member_order_pairs', member_order_pairs, 'product_orders', product_orders,
              'product_orders_sq', product_orders_sq, 'repeat_pairs', repeat_pairs) from rec_totals where id = 'all') as totals,
      (select json_group_array(json_array(product_id, orders, weight)) from
        (select product_id, orders, weight from rec_member_products where member_id = x.id order by weight desc limit ?)) as own,
      (select json_group_array(json_array(category, weight)) from
        (select category, weight from rec_member_categories where member_id = x.id order by weight desc)) as cats
    from (select ? as id) x left join members m on m.id = x.id`,
    args: [OWN_ROWS, memberId],
  });
  return {
    member:
      row?.tier_code != null
        ? { tierCode: row.tier_code, pointsBalance: Number(row.points_balance ?? 0), allowed: JSON.parse(row.allowed) as string[] }
        : null,
    lowestTier: row?.lowest ?? null,
    ordersWeight: Number(row?.n_weight ?? 0),
    totals: row?.totals ? (JSON.parse(row.totals) as TotalsRow) : undefined,
    own: JSON.parse(row?.own ?? '[]') as Profile['own'],
    categories: JSON.parse(row?.cats ?? '[]') as Profile['categories'],
  };
}

type ProductTuple = [string, string, string | null, string, string | null, number, number, string | null, number | null, number | null];

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
async function rank(ctx: DomainCtx, profile: Profile, filters: Filters, k: number): Promise<RankedRecommendation[]> {
  const banded = filters.minPriceCents !== undefined || filters.maxPriceCents !== undefined;
  const first = await rankWith(ctx, profile, filters, k, banded ? BAND_WINDOW : null);
  return banded && first.length < k ? rankWith(ctx, profile, filters, k, null) : first;
}

async function rankWith(
  ctx: DomainCtx,
  profile: Profile,
  filters: Filters,
  k: number,
  popularWindow: number | null,
): Promise<RankedRecommendation[]> {
  const fm = decayTo(ctx.clock().getTime(), MEMBER_HALF_LIFE_DAYS);
  const kappa = estimatePriorStrength(profile.totals);
  const N = profile.ordersWeight * fm;
  const totalWeight = Number(profile.totals?.weight ?? 0);
  const own = profile.own;
  const seeds = own.slice(0, SEEDS);
  const favourites = profile.categories.filter(([c]) => c !== '').slice(0, FAVOURITE_CATEGORIES);

  // Candidates and everything needed to score them, in one statement: the neighbour lists of the
  // seeds, the best sellers of the favourite categories, the best sellers under the filters, and
  // the catalog and popularity rows of all of those and of the member's own products.
  const args: (string | number)[] = [];
  const neighbours = seeds.length
    ? seeds
        .map(([id]) => {
          args.push(id, NEIGHBOURS);
          return 'select * from (select product_id, other_id, orders from rec_product_pairs where product_id = ? order by orders desc limit ?)';
        })
        .join(' union all ')
    : 'select null as product_id, null as other_id, null as orders where 0';
  const categoryTop = favourites.length
    ? favourites
        .map(([c]) => {
          args.push(c, CATEGORY_ROWS);
          return 'select * from (select product_id from rec_product_stats where category = ? order by weight desc limit ?)';
        })
        .join(' union all ')
    : 'select null as product_id where 0';
  const where = filterSql(filters);
  const popularSource =
    popularWindow === null ? 'rec_product_stats' : '(select product_id, weight from rec_product_stats order by weight desc limit ?)';
  if (popularWindow !== null) args.push(popularWindow);
  args.push(...where.args, Math.max(POPULAR_ROWS, k + 10), json(own.map(([id]) => id)));
  const [row] = await query<{ nb: string; products: string; cats: string }>(ctx, {
    text: `
    with nb as materialized (${neighbours}),
      cat_top as (${categoryTop}),
      pop as (select s.product_id from ${popularSource} s join products p on p.id = s.product_id
              where ${where.text} order by s.weight desc limit ?),
      cand as materialized (
        select value as id from json_each(?)
        union select other_id from nb union select product_id from cat_top union select product_id from pop)
    select
      (select json_group_array(json_array(product_id, other_id, orders)) from nb) as nb,
      (select json_group_array(json_array(p.id, p.name, p.name_zh, p.category, p.category_zh, p.price_cents, p.stock, p.min_tier_code, s.orders, s.weight))
         from cand join products p on p.id = cand.id left join rec_product_stats s on s.product_id = p.id) as products,
      (select json_group_array(json_array(c.category, c.weight)) from rec_category_stats c
         where c.category in (select p.category from cand join products p on p.id = cand.id)) as cats`,
    args,
  });
  const nbRows = JSON.parse(row?.nb ?? '[]') as [string, string, number][];
  const rows = (JSON.parse(row?.products ?? '[]') as ProductTuple[]).map(
    ([id, name, name_zh, category, category_zh, price_cents, stock, min_tier_code, orders, weight]): ProductRow => ({
      id,
      name,
      name_zh,
      category,
      category_zh,
      price_cents,
      stock,
      min_tier_code,
      orders,
      weight,
    }),
  );
  if (rows.length === 0) return [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const popCat = new Map((JSON.parse(row?.cats ?? '[]') as [string, number][]).map(([c, w]) => [c, totalWeight > 0 ? w / totalWeight : 0]));
  const memberCat = new Map(profile.categories.map(([c, w]) => [c, w * fm]));

  // Co-purchase: seed weights s_j, the shrinkage left for popularity, and per candidate the best seed.
  const ownBy = new Map(own.map(([id, orders, weight]) => [id, { orders, weight }]));
  const seedTotal = seeds.reduce((sum, [, , w]) => sum + w * fm, 0);
  let scale = seeds.length && seedTotal > 0 ? 0 : 1;
  const seedShare = new Map<string, number>();
  for (const [id, , w] of seeds) {
    if (seedTotal <= 0) break;
    const share = (w * fm) / seedTotal;
    seedShare.set(id, share);
    scale += (share * kappa) / (Number(byId.get(id)?.orders ?? 0) + kappa);
  }
  const co = new Map<string, { sum: number; best: number; seed: string }>();
  for (const [seed, other, orders] of nbRows) {
    const share = seedShare.get(seed);
    if (share === undefined) continue;
    const v = (share * Number(orders)) / (Number(byId.get(seed)?.orders ?? 0) + kappa);
    const e = co.get(other) ?? { sum: 0, best: 0, seed };
    e.sum += v;
    if (v > e.best) {
      e.best = v;
      e.seed = seed;
    }
    co.set(other, e);
  }

  const out: RankedRecommendation[] = [];
  for (const p of rows) {
    if (!passes(p, filters)) continue;
    const mine = ownBy.get(p.id);
    const n = (mine?.weight ?? 0) * fm;
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
      reason = { kind: 'repeat', productId: p.id, productName: p.name, productNameZh: p.name_zh, timesBought: Number(mine?.orders ?? 0) };
    } else if (c && coTerm >= popularTerm) {
      const seed = byId.get(c.seed);
      reason = { kind: 'co_purchase', productId: c.seed, productName: seed?.name ?? c.seed, productNameZh: seed?.name_zh ?? null };
    } else if (p.category !== '' && pcMember > pc) {
      reason = { kind: 'category', category: p.category, categoryZh: p.category_zh };
    } else {
      reason = p.category !== '' ? { kind: 'popular', category: p.category, categoryZh: p.category_zh } : { kind: 'popular' };
    }
    out.push({ productId: p.id, name: p.name, nameZh: p.name_zh, priceCents: p.price_cents, category: p.category, score, reason });
  }
  out.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  return out.slice(0, k);
}
