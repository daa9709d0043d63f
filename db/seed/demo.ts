// Demo data for a first start: tiers, a bilingual catalog, coupons and ~200 members with consistent order histories.
import { count, eq } from 'drizzle-orm';
import type { Store } from '../../src/db/client.js';
import type { DomainCtx } from '../../src/domain/context.js';
import { importedConsentRows } from '../../src/domain/members/consent.js';
import { expirePoints } from '../../src/domain/loyalty/expire-points.js';
import { getPointsSummary } from '../../src/domain/loyalty/get-points-summary.js';
import { redeemCoupon } from '../../src/domain/loyalty/redeem-coupon.js';
import { reviewAllTiers } from '../../src/domain/loyalty/review-tier.js';
import type { OrderEvent } from '../../src/domain/orders/order-event.js';
import { applyOrderEvent } from '../../src/domain/orders/record-order.js';
import { DomainError } from '../../src/lib/errors.js';
import { addMonths, DAY_MS } from '../../src/lib/time.js';
import {
  channelIdentities,
  consentHistory,
  coupons,
  memberCoupons,
  members,
  products,
  tiers,
  type MemberCoupon,
  type NewMember,
  type OrderStatus,
  type Product,
  type Tier,
} from '../schema/index.js';
import { CARRIERS, CATEGORIES, DEMO_COUPONS, DEMO_PRODUCTS, EN_FIRST, EN_LAST, EN_ZONES, ZH_GIVEN, ZH_SURNAMES } from './catalog.js';
import { DEFAULT_TIERS } from './program.js';
import { Rng } from './random.js';

/** The Emulator's `demo-zh` user: a zh-CN Gold member with points expiring within 30 days. */
export const DEMO_ZH_MEMBER_ID = 'M00001';
/** The Emulator's `demo-en` user: an en Silver member with a non-zero balance. */
export const DEMO_EN_MEMBER_ID = 'M00002';

/** Fixed PRNG seed: with the dates relative to ctx.clock(), the same clock yields the same data. */
const SEED = 20_240_601;
const HOUR_MS = 3_600_000;
/** Order events applied per write transaction: big enough to amortize commits, small enough not to hog the lock. */
const EVENTS_PER_TX = 400;

/** Share of members per tier the spend plan aims for. */
export const TIER_MIX: readonly (readonly [string, number])[] = [
  ['regular', 50],
  ['silver', 25],
  ['gold', 15],
  ['diamond', 10],
];

/**
 * Typical order value per tier (cents): richer members buy bigger baskets. Kept high enough that the
 * demo needs ~3 orders a member: every order is a full domain event (~3.5 ms each on a small VM).
 */
const ORDER_VALUE: Record<string, number> = { regular: 35_000, silver: 110_000, gold: 190_000, diamond: 300_000 };

/** `M00001`-style ids (wider once past 99,999). */
export function memberIdFor(n: number): string {
  return `M${String(n).padStart(5, '0')}`;
}

/** True once the program (tiers) exists: the store has been seeded or configured by hand. */
export async function isSeeded(store: Store): Promise<boolean> {
  const [row] = await store.db.select({ n: count() }).from(tiers);
  return Number(row?.n ?? 0) > 0;
}

/**
 * Assigns target tiers by quota rather than by independent draws, so even a small seed has members in
 * every tier and the mix is what TIER_MIX says.
 */
export function tierQuota(rng: Rng, n: number): string[] {
  const out: string[] = [];
  for (const [code, pct] of TIER_MIX.slice(1)) {
    for (let i = 0; i < Math.max(1, Math.round((n * pct) / 100)) && out.length < n; i++) out.push(code);
  }
  while (out.length < n) out.push('regular');
  return rng.shuffle(out);
}

/**
 * A spend target inside the tier's band (cents), and a ceiling the plan must stay under so the
 * member does not drift into the next tier.
 */
export function spendBand(all: readonly Tier[], code: string, rng: Rng): { target: number; ceiling: number } {
  const i = all.findIndex((t) => t.code === code);
  const lo = all[i].thresholdCents;
  const next = all[i + 1]?.thresholdCents;
  const hi = next ?? Math.max(Math.round(lo * 1.6), 100_000);
  const span = hi - lo;
  // The base tier skews low (most regular members buy little, some nothing lately); the others spread over their band.
  const target =
    lo === 0 ? (rng.chance(0.2) ? 0 : Math.round(span * 0.85 * rng.float() ** 2)) : lo + Math.round(span * rng.between(0.1, 0.8));
  const ceiling = next === undefined ? hi : hi - Math.max(3_000, Math.round(span * 0.02));
  return { target, ceiling };
}

/** A plausible member (name, locale, time zone, contact details, consent); dates come from the caller. */
export function makeMember(rng: Rng, id: string, locale: 'zh-CN' | 'en', createdAt: Date, now: Date): NewMember {
  let name: string;
  let timeZone: string;
  let email: string | null = null;
  let phone: string | null = null;
  if (locale === 'zh-CN') {
    name = rng.pick(ZH_SURNAMES) + rng.pick(ZH_GIVEN);
    timeZone = 'Asia/Shanghai';
    if (rng.chance(0.85)) phone = `+86 1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}`;
    if (rng.chance(0.4)) email = rng.chance(0.6) ? `${rng.int(10_000_000, 2_999_999_999)}@qq.com` : `user${rng.digits(6)}@163.com`;
  } else {
    const first = rng.pick(EN_FIRST);
    const last = rng.pick(EN_LAST);
    name = `${first} ${last}`;
    const zone = rng.weighted(EN_ZONES.map((z) => [z, z.weight] as const));
    timeZone = zone.tz;
    if (rng.chance(0.85)) {
      const domain = rng.pick(['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com']);
      email = `${first.toLowerCase().replace(/\s+/g, '')}.${last.toLowerCase()}${rng.int(1, 99)}@${domain}`;
    }
    if (rng.chance(0.5)) phone = `${zone.phone}${rng.digits(zone.digits)}`;
  }
  const birthday = rng.chance(0.92)
    ? `${rng.int(1965, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
    : null;
  const consent = rng.chance(0.7);
  const consentAt = consent ? new Date(Math.min(now.getTime(), createdAt.getTime() + rng.int(0, 60) * DAY_MS)) : null;
  return {
    id,
    name,
    locale,
    timeZone,
    birthday,
    email,
    phone,
    marketingConsent: consent,
    marketingConsentAt: consentAt,
    createdAt,
  };
}

interface PlannedLine {
  productId: string;
  quantity: number;
  amount: number;
}

interface PlannedOrder {
  orderedAt: Date;
  lines: PlannedLine[];
  total: number;
  refund: boolean;
}

/** One order event and the instant the domain should believe it is when applying it. */
interface TimedEvent {
  at: number;
  event: OrderEvent;
}

const RANK: Record<string, number> = Object.fromEntries(DEFAULT_TIERS.map((t) => [t.code, t.rank]));

/**
 * A basket worth about `goal` cents and never more than `budget`: lines drawn by category (richer
 * members lean to electronics), cheap items in multiples, members-only items only for their tiers.
 */
function basket(rng: Rng, catalog: readonly Product[], tierCode: string, goal: number, budget: number): PlannedLine[] {
  const rank = RANK[tierCode] ?? 0;
  const allowed = catalog.filter((p) => p.minTierCode === null || (RANK[p.minTierCode] ?? 99) <= rank);
  const weights = CATEGORIES.map(
    (c) => [c.key, c.key === 'Electronics' ? 0.6 + rank : c.key === 'Baby' || c.key === 'Home' ? 1.5 : 3] as const,
  );
  const lines: PlannedLine[] = [];
  let sum = 0;
  for (let k = 0; k < 8 && sum < goal; k++) {
    const cap = Math.min(budget - sum, Math.max(goal * 1.5 - sum, 2_000));
    const category = rng.weighted(weights);
    let candidates = allowed.filter((p) => p.category === category && p.priceCents <= cap);
    if (candidates.length === 0) candidates = allowed.filter((p) => p.priceCents <= cap);
    if (candidates.length === 0) break;
    // Of two candidates, the one nearer half of what the basket still lacks: baskets fill in a few lines.
    const want = (goal - sum) / 2;
    const a = rng.pick(candidates);
    const b = rng.pick(candidates);
    const product = Math.abs(a.priceCents - want) <= Math.abs(b.priceCents - want) ? a : b;
    let quantity = product.priceCents < 3_000 ? rng.int(1, 3) : rng.chance(0.1) ? 2 : 1;
    while (quantity > 1 && product.priceCents * quantity > cap) quantity--;
    const same = lines.find((l) => l.productId === product.id);
    if (same) {
      same.quantity += quantity;
      same.amount += product.priceCents * quantity;
    } else {
      lines.push({ productId: product.id, quantity, amount: product.priceCents * quantity });
    }
    sum += product.priceCents * quantity;
  }
  return lines;
}

const sumLines = (lines: PlannedLine[]) => lines.reduce((s, l) => s + l.amount, 0);

interface PlanPins {
  /** An order at a fixed date with a fixed basket (counted toward the tier when inside the window), e.g. to make points expire soon. */
  first?: { at: Date; lines: PlannedLine[] };
  /** Dates of the member's latest orders (their status follows from their age). */
  recent?: Date[];
  history?: number;
  refunds?: number;
}

/**
 * The member's orders: enough inside the rolling window to land in the target band, some older ones
 * (whose points have expired by now) and occasionally a refunded one, which does not count.
 */
function planOrders(
  rng: Rng,
  catalog: readonly Product[],
  tierCode: string,
  band: { target: number; ceiling: number },
  now: Date,
  windowStart: Date,
  pins: PlanPins = {},
): PlannedOrder[] {
  const aov = ORDER_VALUE[tierCode] ?? ORDER_VALUE.regular;
  const inWindow: PlannedOrder[] = [];
  let sum = 0;
  const pinnedFirst = pins.first
    ? { orderedAt: pins.first.at, lines: pins.first.lines, total: sumLines(pins.first.lines), refund: false }
    : null;
  // It counts toward the tier only if it falls inside the window (expiry rules may put it before).
  if (pinnedFirst && pinnedFirst.orderedAt > windowStart) sum += pinnedFirst.total;
  while (sum < band.target) {
    const lines = basket(rng, catalog, tierCode, aov * rng.between(0.5, 1.5), band.ceiling - sum);
    if (lines.length === 0) break;
    const total = sumLines(lines);
    inWindow.push({ orderedAt: now, lines, total, refund: false });
    sum += total;
  }
  // Dates: uniform over the window, a few days clear of both ends so no boundary decides the tier.
  const lo = windowStart.getTime() + 3 * DAY_MS;
  const hi = now.getTime() - DAY_MS;
  const dates = inWindow.map(() => rng.int(lo, hi)).sort((a, b) => a - b);
  const recent = [...(pins.recent ?? [])].sort((a, b) => a.getTime() - b.getTime());
  const pinned = Math.min(recent.length, dates.length);
  for (let i = 0; i < pinned; i++) dates[dates.length - pinned + i] = recent[recent.length - pinned + i].getTime();
  for (const [i, o] of inWindow.entries()) o.orderedAt = new Date(dates[i]);
  if (pinnedFirst) inWindow.push(pinnedFirst);

  const older: PlannedOrder[] = [];
  const historyCount = pins.history ?? (rng.chance(0.3) ? rng.int(1, 2) : 0);
  const historyStart = addMonths(windowStart, -6).getTime();
  for (let i = 0; i < historyCount; i++) {
    const lines = basket(rng, catalog, tierCode, aov * rng.between(0.4, 1.4), aov * 3);
    if (lines.length)
      older.push({
        orderedAt: new Date(rng.int(historyStart, windowStart.getTime() - 3 * DAY_MS)),
        lines,
        total: sumLines(lines),
        refund: false,
      });
  }
  const refundCount = pins.refunds ?? (rng.chance(0.06) ? 1 : 0);
  for (let i = 0; i < refundCount; i++) {
    const lines = basket(rng, catalog, tierCode, aov, aov * 2);
    const at = rng.int(windowStart.getTime() - 60 * DAY_MS, now.getTime() - 20 * DAY_MS);
    if (lines.length) older.push({ orderedAt: new Date(at), lines, total: sumLines(lines), refund: true });
  }
  return [...older, ...inWindow].sort((a, b) => a.orderedAt.getTime() - b.orderedAt.getTime());
}

/** `SO` + order date (yymmdd) + a running number: unique, and readable in chat. */
function orderIdFor(at: Date, seq: number): string {
  return `SO${at.toISOString().slice(2, 10).replace(/-/g, '')}${String(seq).padStart(5, '0')}`;
}

/**
 * Turns planned orders into timed events. Each event is applied "as of" its own time so that tier
 * reviews and multipliers evolve as they would have live; statuses follow from the order's age.
 */
function toEvents(
  rng: Rng,
  memberId: string,
  locale: 'zh-CN' | 'en',
  orders: PlannedOrder[],
  now: Date,
  nextSeq: () => number,
): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const o of orders) {
    const orderedAt = o.orderedAt;
    const paidAt = new Date(orderedAt.getTime() + rng.int(1, 15) * 60_000);
    const ageDays = (now.getTime() - orderedAt.getTime()) / DAY_MS;
    let status: OrderStatus;
    let at: number;
    if (o.refund) {
      status = 'delivered';
      at = orderedAt.getTime() + 3 * DAY_MS;
    } else if (ageDays < 2) {
      status = 'paid';
      at = paidAt.getTime() + 60_000;
    } else if (ageDays < 6) {
      status = 'shipped';
      at = orderedAt.getTime() + DAY_MS + rng.int(0, 6) * HOUR_MS;
    } else {
      status = 'delivered';
      at = orderedAt.getTime() + rng.int(2, 4) * DAY_MS;
    }
    const carrier = status === 'paid' ? undefined : rng.chance(0.6) ? CARRIERS.sf : CARRIERS.jd;
    const event: OrderEvent = {
      orderId: orderIdFor(orderedAt, nextSeq()),
      memberId,
      status,
      orderedAt,
      paidAt,
      lines: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, amount: l.amount })),
      carrier: carrier ? (locale === 'zh-CN' ? carrier.zh : carrier.en) : undefined,
      trackingNo: carrier ? `${carrier.prefix}${rng.digits(carrier.digits)}` : undefined,
    };
    out.push({ at, event });
    if (o.refund) out.push({ at: orderedAt.getTime() + rng.int(6, 12) * DAY_MS, event: { ...event, status: 'refunded' } });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Seeds the demo program and members. Refuses a store that already has tiers (checked inside the
 * first write transaction, so two processes starting together cannot both seed). Orders go through
 * applyOrderEvent, so the ledger, lots, cached balances and tiers are exactly what live events give.
 */
export async function seedDemo(
  ctx: DomainCtx,
  opts: { members?: number; onProgress?(eventsApplied: number, totalEvents: number): void } = {},
): Promise<{ members: number; orders: number }> {
  const memberCount = opts.members ?? 200;
  if (!Number.isInteger(memberCount) || memberCount < 2) throw new DomainError('bad_request', 'The demo seed needs at least 2 members');
  const rng = new Rng(SEED);
  const now = ctx.clock();
  const windowStart = addMonths(now, -ctx.rules.tierWindowMonths);
  const catalog = DEMO_PRODUCTS;
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const line = (productId: string, quantity: number): PlannedLine => ({
    productId,
    quantity,
    amount: byId.get(productId)!.priceCents * quantity,
  });

  // Plan every member first (pure JS), then write: the plan decides createdAt from the first order.
  let seq = 0;
  const nextSeq = () => ++seq;
  const quota = tierQuota(rng, memberCount - 2);
  const newMembers: NewMember[] = [];
  const events: TimedEvent[][] = [];
  const targetTier = new Map<string, string>();
  let orderCount = 0;
  for (let n = 1; n <= memberCount; n++) {
    const id = memberIdFor(n);
    const locale = n % 2 === 1 ? 'zh-CN' : 'en';
    let tierCode: string;
    let planned: PlannedOrder[];
    if (id === DEMO_ZH_MEMBER_ID) {
      // Gold, and a big order whose points expire in a few days (well inside "expiring soon").
      tierCode = 'gold';
      const expiresInMs = Math.max(HOUR_MS * 12, Math.min(9 * DAY_MS, (ctx.rules.expiringSoonDays * DAY_MS) / 3));
      const earnedAt = addMonths(new Date(now.getTime() + expiresInMs), -ctx.rules.expiryMonths);
      planned = planOrders(rng, catalog, tierCode, { target: 688_000, ceiling: 950_000 }, now, windowStart, {
        first: { at: earnedAt, lines: [line('P6001', 1), line('P2001', 1), line('P3003', 2)] },
        recent: [new Date(now.getTime() - 3 * DAY_MS - 2 * HOUR_MS), new Date(now.getTime() - 20 * HOUR_MS)],
        history: 2,
        refunds: 1,
      });
    } else if (id === DEMO_EN_MEMBER_ID) {
      tierCode = 'silver';
      planned = planOrders(rng, catalog, tierCode, { target: 326_000, ceiling: 480_000 }, now, windowStart, {
        recent: [new Date(now.getTime() - 4 * DAY_MS - 5 * HOUR_MS)],
        history: 1,
        refunds: 0,
      });
    } else {
      tierCode = quota[n - 3];
      planned = planOrders(rng, catalog, tierCode, spendBand(DEFAULT_TIERS, tierCode, rng), now, windowStart);
    }
    targetTier.set(id, tierCode);
    const first = planned[0]?.orderedAt.getTime() ?? now.getTime() - rng.int(20, 700) * DAY_MS;
    const createdAt = new Date(Math.min(now.getTime() - DAY_MS, first - rng.int(3, 120) * DAY_MS));
    const member = makeMember(rng, id, locale, createdAt, now);
    if (id === DEMO_ZH_MEMBER_ID)
      Object.assign(member, {
        name: '林晓雯',
        birthday: '1992-08-16',
        phone: '+86 13800138000',
        marketingConsent: true,
        marketingConsentAt: createdAt,
      });
    if (id === DEMO_EN_MEMBER_ID)
      Object.assign(member, {
        name: 'Emily Carter',
        timeZone: 'Europe/London',
        email: 'emily.carter@example.com',
        marketingConsent: true,
        marketingConsentAt: createdAt,
      });
    newMembers.push(member);
    events.push(toEvents(rng, id, locale, planned, now, nextSeq));
    orderCount += planned.length;
  }

  await ctx.store.write(async (tx) => {
    const [row] = await tx.select({ n: count() }).from(tiers);
    if (Number(row?.n ?? 0) > 0) throw new DomainError('conflict', 'The store is already seeded');
    await tx.insert(tiers).values(DEFAULT_TIERS);
    await tx.insert(products).values(catalog);
    await tx.insert(coupons).values(DEMO_COUPONS);
    for (let i = 0; i < newMembers.length; i += 500) await tx.insert(members).values(newMembers.slice(i, i + 500));
    // The consent each member starts with is on record, like every later change (src/domain/members/consent.ts).
    const consentRows = importedConsentRows(newMembers);
    for (let i = 0; i < consentRows.length; i += 500) await tx.insert(consentHistory).values(consentRows.slice(i, i + 500));
  });

  // Members stay whole within a batch so each member's events apply in time order.
  const totalEvents = events.reduce((s, e) => s + e.length, 0);
  let applied = 0;
  let batch: TimedEvent[] = [];
  const flush = async () => {
    const todo = batch;
    batch = [];
    await ctx.store.write(async (tx) => {
      for (const { at, event } of todo) await applyOrderEvent(tx, { ...ctx, clock: () => new Date(at) }, event);
    });
    applied += todo.length;
    opts.onProgress?.(applied, totalEvents);
  };
  for (const memberEvents of events) {
    batch.push(...memberEvents);
    if (batch.length >= EVENTS_PER_TX) await flush();
  }
  if (batch.length) await flush();

  await giftCoupons(ctx, rng, newMembers, targetTier, now);
  await redemptions(ctx, rng, newMembers, targetTier, now);
  await expirePoints({ ctx, input: {} });
  // Events were applied as of their own time; one review as of now settles every member's tier.
  await reviewAllTiers({ ctx, input: {} });

  await ctx.store.write(async (tx) => {
    const verifiedAt = now;
    await tx.insert(channelIdentities).values([
      { channelId: 'emulator', channelUserId: 'demo-zh', memberId: DEMO_ZH_MEMBER_ID, verifiedAt },
      { channelId: 'emulator', channelUserId: 'demo-en', memberId: DEMO_EN_MEMBER_ID, verifiedAt },
      { channelId: 'webchat', channelUserId: DEMO_ZH_MEMBER_ID, memberId: DEMO_ZH_MEMBER_ID, verifiedAt },
      { channelId: 'webchat', channelUserId: DEMO_EN_MEMBER_ID, memberId: DEMO_EN_MEMBER_ID, verifiedAt },
    ]);
  });
  await assertDemoMembers(ctx);
  return { members: newMembers.length, orders: orderCount };
}

/** Gift-only coupons for some members (free shipping for higher tiers, birthday and welcome gifts). */
async function giftCoupons(ctx: DomainCtx, rng: Rng, all: NewMember[], targetTier: Map<string, string>, now: Date): Promise<void> {
  const rows: (typeof memberCoupons.$inferInsert)[] = [];
  const validDays = new Map(DEMO_COUPONS.map((c) => [c.id, c.validDays]));
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  for (const m of all) {
    const demo = m.id === DEMO_ZH_MEMBER_ID || m.id === DEMO_EN_MEMBER_ID;
    if (!demo && !rng.chance(0.15)) continue;
    const tier = targetTier.get(m.id) ?? 'regular';
    const recent = now.getTime() - m.createdAt.getTime() < 30 * DAY_MS;
    const couponIds =
      m.id === DEMO_ZH_MEMBER_ID
        ? ['G-SHIP', 'G-BDAY']
        : m.birthday?.slice(5, 7) === month
          ? ['G-BDAY']
          : recent
            ? ['G-WELCOME']
            : tier !== 'regular' || m.id === DEMO_EN_MEMBER_ID
              ? ['G-SHIP']
              : ['G-WELCOME'];
    for (const couponId of couponIds) {
      const issuedAt = new Date(now.getTime() - rng.int(0, 10) * DAY_MS - rng.int(0, 23) * HOUR_MS);
      const used = !demo && rng.chance(0.2);
      const status: MemberCoupon['status'] = used ? 'used' : 'available';
      rows.push({
        id: `gift-${m.id}-${couponId}`,
        memberId: m.id,
        couponId,
        status,
        source: 'gift',
        idempotencyKey: `gift:seed:${m.id}:${couponId}`,
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + (validDays.get(couponId) ?? 30) * DAY_MS),
        usedAt: used ? new Date(Math.min(now.getTime(), issuedAt.getTime() + rng.int(1, 48) * HOUR_MS)) : null,
      });
    }
  }
  if (rows.length) await ctx.store.write((tx) => tx.insert(memberCoupons).values(rows));
}

/**
 * A few point redemptions through the real verb (it takes its own write transaction), each as of a
 * day in the last two weeks. The Gold demo member is left out so its soon-expiring lot stays intact.
 */
async function redemptions(ctx: DomainCtx, rng: Rng, all: NewMember[], targetTier: Map<string, string>, now: Date): Promise<void> {
  for (const m of all) {
    if (m.id === DEMO_ZH_MEMBER_ID) continue;
    const isDemoEn = m.id === DEMO_EN_MEMBER_ID;
    if (!isDemoEn && (targetTier.get(m.id) === 'regular' || !rng.chance(0.12))) continue;
    const at = new Date(now.getTime() - rng.int(1, 14) * DAY_MS - rng.int(0, 23) * HOUR_MS);
    const asOf: DomainCtx = { ...ctx, clock: () => at };
    const choices = isDemoEn ? ['C5'] : [rng.pick(['C12', 'C40', 'C100']), 'C5'];
    for (const couponId of choices) {
      try {
        await redeemCoupon({ ctx: asOf, input: { memberId: m.id, couponId, idempotencyKey: `seed:${m.id}:${couponId}` } });
        break;
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'insufficient_points')) throw err;
      }
    }
  }
}

/** The chat demo depends on these two members; a seed that misses them is a bug, not a variation. */
async function assertDemoMembers(ctx: DomainCtx): Promise<void> {
  const tierOf = async (id: string) => (await ctx.store.db.select({ t: members.tierCode }).from(members).where(eq(members.id, id)))[0]?.t;
  const zhTier = await tierOf(DEMO_ZH_MEMBER_ID);
  const enTier = await tierOf(DEMO_EN_MEMBER_ID);
  if (zhTier !== 'gold') throw new Error(`Demo seed: ${DEMO_ZH_MEMBER_ID} should be gold, is ${zhTier}`);
  if (enTier !== 'silver') throw new Error(`Demo seed: ${DEMO_EN_MEMBER_ID} should be silver, is ${enTier}`);
  const zh = await getPointsSummary({ ctx, input: { memberId: DEMO_ZH_MEMBER_ID } });
  if (zh.expiringSoon.points <= 0)
    throw new Error(`Demo seed: ${DEMO_ZH_MEMBER_ID} should have points expiring within ${ctx.rules.expiringSoonDays} days`);
  const en = await getPointsSummary({ ctx, input: { memberId: DEMO_EN_MEMBER_ID } });
  if (en.balance <= 0) throw new Error(`Demo seed: ${DEMO_EN_MEMBER_ID} should have a non-zero balance`);
}
