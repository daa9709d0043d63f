// Benchmark-scale seed: many members, orders, lines and a consistent ledger, written with multi-row INSERTs.
import { sql } from 'drizzle-orm';
import type { Tx } from '../../src/db/client.js';
import type { DomainCtx } from '../../src/domain/context.js';
import { listTiers, pointsForAmount, tierForSpend } from '../../src/domain/loyalty/tiers.js';
import { DomainError } from '../../src/lib/errors.js';
import { addMonths, DAY_MS } from '../../src/lib/time.js';
import type { OrderStatus, Tier } from '../schema/index.js';
import { CARRIERS, CATEGORIES } from './catalog.js';
import { makeMember, memberIdFor, spendBand, TIER_MIX } from './demo.js';
import { Rng } from './random.js';

export interface ScaleOptions {
  /** Members to add (numbered after the highest existing `M…` id). */
  members: number;
  /** Catalog size for the scale products (`S000001`…), created once; default 20,000. */
  products?: number;
  /** Members generated and written per transaction (default 2,000). */
  chunkSize?: number;
  onProgress?(done: number, total: number): void;
}

export interface ScaleResult {
  members: number;
  orders: number;
  lines: number;
  ledgerEntries: number;
  products: number;
}

const HOUR_MS = 3_600_000;
/** Rows per INSERT statement (one JSON parameter of a few hundred kB). */
const ROWS_PER_INSERT = 2_000;

type Cell = string | number | boolean | null | undefined;

/**
 * Multi-row INSERTs as `INSERT ... SELECT ... FROM json_each(?)`: one small statement and one JSON
 * parameter per 2,000 rows. No bound-variable limit applies, and unlike inline-literal VALUES lists the
 * compiled statement stays tiny (a 500-row VALUES statement kept ~15 MB of native memory per 1,000
 * members alive until finalization: 1.5 GB RSS at 100k members).
 */
async function insertRows(tx: Tx, table: string, columns: readonly string[], rows: Cell[][], verb = 'INSERT'): Promise<void> {
  const select = columns.map((_, i) => `value ->> ${i}`).join(', ');
  const head = sql.raw(`${verb} INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM json_each(`);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const json = JSON.stringify(
      rows.slice(i, i + ROWS_PER_INSERT).map((r) => r.map((v) => (typeof v === 'boolean' ? Number(v) : (v ?? null)))),
    );
    await tx.run(sql`${head}${json})`);
  }
}

const PRODUCT_WORDS: Record<string, { nouns: [string, string][]; lo: number; hi: number }> = {
  Fresh: {
    nouns: [
      ['Apples', '苹果'],
      ['Pork belly', '五花肉'],
      ['Tofu', '豆腐'],
      ['Salmon', '三文鱼'],
      ['Grapes', '葡萄'],
      ['Chicken wings', '鸡翅'],
      ['Tomatoes', '番茄'],
      ['Rice', '大米'],
    ],
    lo: 500,
    hi: 30_000,
  },
  Snacks: {
    nouns: [
      ['Crackers', '饼干'],
      ['Mixed nuts', '坚果'],
      ['Chocolate', '巧克力'],
      ['Jerky', '肉脯'],
      ['Potato chips', '薯片'],
      ['Candy', '糖果'],
      ['Dried fruit', '果干'],
    ],
    lo: 500,
    hi: 15_000,
  },
  Drinks: {
    nouns: [
      ['Green tea', '绿茶'],
      ['Coffee beans', '咖啡豆'],
      ['Sparkling water', '气泡水'],
      ['Milk', '牛奶'],
      ['Juice', '果汁'],
      ['Beer', '啤酒'],
      ['Red wine', '红酒'],
    ],
    lo: 300,
    hi: 80_000,
  },
  'Personal care': {
    nouns: [
      ['Shampoo', '洗发水'],
      ['Face cream', '面霜'],
      ['Toothpaste', '牙膏'],
      ['Serum', '精华'],
      ['Sunscreen', '防晒霜'],
      ['Body wash', '沐浴露'],
    ],
    lo: 1_000,
    hi: 150_000,
  },
  Baby: {
    nouns: [
      ['Diapers', '纸尿裤'],
      ['Infant formula', '婴儿奶粉'],
      ['Baby wipes', '湿巾'],
      ['Feeding bottle', '奶瓶'],
      ['Building blocks', '积木'],
      ['Stroller', '推车'],
    ],
    lo: 2_000,
    hi: 200_000,
  },
  Home: {
    nouns: [
      ['Towels', '毛巾'],
      ['Frying pan', '平底锅'],
      ['Bedding set', '四件套'],
      ['Laundry liquid', '洗衣液'],
      ['Storage box', '收纳箱'],
      ['Air purifier', '空气净化器'],
    ],
    lo: 1_000,
    hi: 300_000,
  },
  Electronics: {
    nouns: [
      ['Earbuds', '耳机'],
      ['Power bank', '充电宝'],
      ['Smart watch', '智能手表'],
      ['Tablet', '平板电脑'],
      ['Phone', '手机'],
      ['Keyboard', '键盘'],
      ['Camera', '相机'],
    ],
    lo: 5_000,
    hi: 800_000,
  },
};
const ADJECTIVES: [string, string][] = [
  ['Classic', '经典'],
  ['Organic', '有机'],
  ['Family size', '家庭装'],
  ['Premium', '精选'],
  ['Lite', '轻享'],
  ['Pro', '专业版'],
  ['Mini', '迷你'],
  ['Deluxe', '豪华'],
  ['Everyday', '日常'],
  ['Imported', '进口'],
];
const BRANDS = [
  'Lumi',
  'Hearth',
  'Nordic Leaf',
  'Golden Field',
  'Bamboo & Co',
  'Urban Basics',
  'Sunrise',
  'Blue Harbor',
  'Maple',
  'Kite',
  'Orchid',
  'Peak',
];

interface ScaleProduct {
  id: string;
  price: number;
}

/** Creates the generated catalog once (INSERT OR IGNORE); returns it sorted by price for basket building. */
async function ensureProducts(ctx: DomainCtx, count: number): Promise<ScaleProduct[]> {
  const rng = new Rng(7_000_001);
  const list: ScaleProduct[] = [];
  const rows: Cell[][] = [];
  for (let n = 1; n <= count; n++) {
    const cat = CATEGORIES[n % CATEGORIES.length];
    const words = PRODUCT_WORDS[cat.key];
    const [nounEn, nounZh] = rng.pick(words.nouns);
    const [adjEn, adjZh] = rng.pick(ADJECTIVES);
    const brand = rng.pick(BRANDS);
    // Log-uniform prices: many cheap items, a long tail of expensive ones, as in a real catalog.
    const price = Math.round(Math.exp(rng.between(Math.log(words.lo), Math.log(words.hi))) / 10) * 10;
    const id = `S${String(n).padStart(6, '0')}`;
    list.push({ id, price });
    rows.push([
      id,
      `${brand} ${adjEn} ${nounEn} ${n}`,
      `${brand} ${adjZh}${nounZh} ${n}`,
      cat.key,
      brand,
      price,
      rng.chance(0.02) ? 0 : rng.int(5, 500),
    ]);
  }
  await ctx.store.write((tx) =>
    insertRows(tx, 'products', ['id', 'name', 'name_zh', 'category', 'brand', 'price_cents', 'stock'], rows, 'INSERT OR IGNORE'),
  );
  return list.sort((a, b) => a.price - b.price);
}

/** The product whose price is nearest `cents`, jittered among its neighbours so baskets vary. */
function nearPrice(rng: Rng, sorted: ScaleProduct[], cents: number): ScaleProduct {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].price < cents) lo = mid + 1;
    else hi = mid;
  }
  const i = Math.min(sorted.length - 1, Math.max(0, lo + rng.int(-40, 40)));
  return sorted[i];
}

interface SimOrder {
  id: string;
  paidAt: number;
  orderedAt: number;
  total: number;
  status: OrderStatus;
  refundAt: number | null;
  points: number;
  ledgerId: number | null;
}

interface Lot {
  ledgerId: number;
  remaining: number;
  earnedAt: number;
  expiresAt: number;
}

/**
 * Adds `members` members with ~10 order lines each. Everything the domain would derive is computed
 * here with the same rules (pointsForAmount at the multiplier of the tier held at payment, a tier
 * review after each event, refunds reversing the order's own lot, expiry of lots past their date), so
 * the store is as consistent as one built through applyOrderEvent, at a fraction of the cost.
 * Needs the tiers (run the demo seed first).
 */
export async function seedScale(ctx: DomainCtx, opts: ScaleOptions): Promise<ScaleResult> {
  const total = Math.max(0, Math.floor(opts.members));
  const chunkSize = Math.max(1, opts.chunkSize ?? 2_000);
  const all = await listTiers(ctx.store.db);
  if (all.length === 0) throw new DomainError('unavailable', 'No tiers are configured: run the demo seed first');
  const tierByCode = new Map(all.map((t) => [t.code, t]));
  const now = ctx.clock();
  const nowMs = now.getTime();
  const windowMonths = ctx.rules.tierWindowMonths;
  const windowStart = addMonths(now, -windowMonths).getTime();
  const historyStart = addMonths(now, -(windowMonths + 6)).getTime();
  const catalog = await ensureProducts(ctx, opts.products ?? 20_000);

  const [startRow] = await ctx.store.db.all<{ n: number | null }>(
    sql`select max(cast(substr(id, 2) as integer)) as n from members where id glob 'M[0-9]*'`,
  );
  const firstNumber = Number(startRow?.n ?? 0) + 1;
  const rng = new Rng(9_000_000 + firstNumber);
  const result: ScaleResult = { members: 0, orders: 0, lines: 0, ledgerEntries: 0, products: catalog.length };
  opts.onProgress?.(0, total);

  for (let offset = 0; offset < total; offset += chunkSize) {
    const n = Math.min(chunkSize, total - offset);
    await ctx.store.write(async (tx) => {
      // Explicit ledger ids (the lots reference them); AUTOINCREMENT continues after the largest one.
      const [seqRow] = await tx.all<{ n: number | null }>(
        sql`select max(coalesce((select max(id) from points_ledger), 0), coalesce((select seq from sqlite_sequence where name = 'points_ledger'), 0)) as n`,
      );
      let nextLedgerId = Number(seqRow?.n ?? 0) + 1;
      const memberRows: Cell[][] = [];
      const orderRows: Cell[][] = [];
      const lineRows: Cell[][] = [];
      const ledgerRows: Cell[][] = [];
      const lotRows: Cell[][] = [];

      for (let k = 0; k < n; k++) {
        const number = firstNumber + offset + k;
        const memberId = memberIdFor(number);
        const locale = number % 2 === 1 ? 'zh-CN' : 'en';
        const target = rng.weighted(TIER_MIX);
        const band = spendBand(all, target, rng);

        // Orders: 2-5 inside the window sized to the band's target, maybe one older; ~3 lines each.
        const inWindow = band.target === 0 ? 0 : rng.int(2, 5);
        const older = rng.chance(0.35) ? 1 : 0;
        const plan: { at: number; budget: number }[] = [];
        for (let i = 0; i < inWindow; i++)
          plan.push({ at: rng.int(windowStart + DAY_MS, nowMs - HOUR_MS), budget: band.target / inWindow });
        for (let i = 0; i < older; i++) plan.push({ at: rng.int(historyStart, windowStart - DAY_MS), budget: rng.int(5_000, 60_000) });
        plan.sort((a, b) => a.at - b.at);

        const orders: SimOrder[] = [];
        plan.forEach((p, i) => {
          const orderId = `SC${number}-${i + 1}`;
          const lines = rng.int(1, 5);
          let orderTotal = 0;
          for (let l = 1; l <= lines; l++) {
            const want = p.budget / lines;
            const quantity = want < 3_000 ? rng.int(1, 3) : 1;
            const product = nearPrice(rng, catalog, want / quantity);
            const amount = product.price * quantity;
            orderTotal += amount;
            lineRows.push([orderId, l, product.id, quantity, amount]);
          }
          const ageDays = (nowMs - p.at) / DAY_MS;
          const refund = ageDays > 15 && rng.chance(0.03);
          const status: OrderStatus = refund ? 'refunded' : ageDays < 2 ? 'paid' : ageDays < 6 ? 'shipped' : 'delivered';
          orders.push({
            id: orderId,
            orderedAt: p.at - rng.int(1, 15) * 60_000,
            paidAt: p.at,
            total: orderTotal,
            status,
            refundAt: refund ? p.at + rng.int(5, 12) * DAY_MS : null,
            points: 0,
            ledgerId: null,
          });
          result.lines += lines;
        });

        // Replay the member's events in time order, as applyOrderEvent would have seen them.
        type Ev = { at: number; order: SimOrder; kind: 'pay' | 'refund' };
        const events: Ev[] = orders.map((o) => ({ at: o.paidAt, order: o, kind: 'pay' as const }));
        for (const o of orders) if (o.refundAt !== null) events.push({ at: o.refundAt, order: o, kind: 'refund' });
        events.sort((a, b) => a.at - b.at);
        const refunded = new Set<SimOrder>();
        const lots: Lot[] = [];
        let tier: Tier = tierByCode.get('regular') ?? all[0];
        let tierSince: number | null = null;
        let balance = 0;
        const review = (at: number) => {
          const since = addMonths(new Date(at), -windowMonths).getTime();
          let spend = 0;
          for (const o of orders) if (o.paidAt <= at && o.paidAt > since && !refunded.has(o)) spend += o.total;
          const next = tierForSpend(all, spend);
          if (next.code !== tier.code) {
            tier = next;
            tierSince = at;
          }
        };
        for (const ev of events) {
          const o = ev.order;
          if (ev.kind === 'pay') {
            o.points = pointsForAmount(o.total, tier.multiplierPct);
            if (o.points > 0) {
              const ledgerId = nextLedgerId++;
              const expiresAt = addMonths(new Date(o.paidAt), ctx.rules.expiryMonths).getTime();
              o.ledgerId = ledgerId;
              ledgerRows.push([ledgerId, memberId, 'earn', o.points, 'order', o.id, `earn:order:${o.id}`, null, o.paidAt, expiresAt]);
              lots.push({ ledgerId, remaining: o.points, earnedAt: o.paidAt, expiresAt });
              balance += o.points;
            }
          } else {
            refunded.add(o);
            // Own lot first, then oldest expiry, never below zero: the domain's reverseForOrder.
            if (o.ledgerId !== null) {
              const live = lots
                .filter((l) => l.remaining > 0 && l.expiresAt > ev.at)
                .sort((a, b) => a.expiresAt - b.expiresAt || a.ledgerId - b.ledgerId);
              const own = live.findIndex((l) => l.ledgerId === o.ledgerId);
              if (own > 0) live.unshift(...live.splice(own, 1));
              let left = o.points;
              for (const l of live) {
                if (left <= 0) break;
                const take = Math.min(l.remaining, left);
                l.remaining -= take;
                left -= take;
              }
              const taken = o.points - left;
              const note = left > 0 ? `shortfall ${left}: points already spent or expired` : null;
              ledgerRows.push([nextLedgerId++, memberId, 'reverse', -taken, 'order', o.id, `reverse:order:${o.id}`, note, ev.at, null]);
              balance -= taken;
            }
          }
          review(ev.at);
        }
        for (const l of lots) {
          if (l.remaining > 0 && l.expiresAt <= nowMs) {
            ledgerRows.push([
              nextLedgerId++,
              memberId,
              'expire',
              -l.remaining,
              'lot',
              String(l.ledgerId),
              `expire:lot:${l.ledgerId}`,
              null,
              nowMs,
              null,
            ]);
            balance -= l.remaining;
            l.remaining = 0;
          }
          lotRows.push([l.ledgerId, memberId, l.remaining, l.earnedAt, l.expiresAt]);
        }
        review(nowMs);

        for (const o of orders) {
          const carrier = o.status === 'paid' ? null : rng.chance(0.6) ? CARRIERS.sf : CARRIERS.jd;
          const shippedAt = o.status === 'paid' ? null : o.paidAt + DAY_MS;
          const deliveredAt = o.status === 'delivered' || o.status === 'refunded' ? o.paidAt + 3 * DAY_MS : null;
          orderRows.push([
            o.id,
            memberId,
            o.status,
            o.total,
            o.points,
            carrier ? (locale === 'zh-CN' ? carrier.zh : carrier.en) : null,
            carrier ? `${carrier.prefix}${rng.digits(carrier.digits)}` : null,
            o.orderedAt,
            o.paidAt,
            shippedAt,
            deliveredAt,
            o.refundAt,
            o.refundAt ?? deliveredAt ?? shippedAt ?? o.paidAt,
          ]);
        }
        result.orders += orders.length;

        const first = orders[0]?.orderedAt ?? nowMs - rng.int(20, 700) * DAY_MS;
        const createdAt = new Date(Math.min(nowMs - DAY_MS, first - rng.int(3, 120) * DAY_MS));
        const m = makeMember(rng, memberId, locale, createdAt, now);
        memberRows.push([
          m.id,
          m.name,
          m.locale ?? locale,
          m.timeZone ?? 'UTC',
          m.birthday ?? null,
          m.email ?? null,
          m.phone ?? null,
          m.marketingConsent ?? false,
          m.marketingConsentAt ? m.marketingConsentAt.getTime() : null,
          tier.code,
          tierSince,
          balance,
          '[]',
          createdAt.getTime(),
        ]);
      }

      await insertRows(
        tx,
        'members',
        [
          'id',
          'name',
          'locale',
          'time_zone',
          'birthday',
          'email',
          'phone',
          'marketing_consent',
          'marketing_consent_at',
          'tier_code',
          'tier_since',
          'points_balance',
          'tags',
          'created_at',
        ],
        memberRows,
      );
      await insertRows(
        tx,
        'orders',
        [
          'id',
          'member_id',
          'status',
          'total_cents',
          'points_earned',
          'carrier',
          'tracking_no',
          'ordered_at',
          'paid_at',
          'shipped_at',
          'delivered_at',
          'refunded_at',
          'updated_at',
        ],
        orderRows,
      );
      await insertRows(tx, 'order_lines', ['order_id', 'line_no', 'product_id', 'quantity', 'amount_cents'], lineRows);
      await insertRows(
        tx,
        'points_ledger',
        ['id', 'member_id', 'kind', 'points', 'source_type', 'source_ref', 'idempotency_key', 'note', 'created_at', 'expires_at'],
        ledgerRows,
      );
      await insertRows(tx, 'point_lots', ['ledger_id', 'member_id', 'remaining', 'earned_at', 'expires_at'], lotRows);
      result.ledgerEntries += ledgerRows.length;
    });
    result.members += n;
    opts.onProgress?.(result.members, total);
  }
  return result;
}
