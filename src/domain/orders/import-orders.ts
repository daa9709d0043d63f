// Bulk import of the generic CSV format (orders.csv + products.csv): products upserted, orders applied as paid events.
import { count, inArray, sql } from 'drizzle-orm';
import { members, orders, products, tiers } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import { CsvError, parseCsvLine, readHeader } from '../../lib/csv.js';
import { DomainError } from '../../lib/errors.js';
import { computeMemberAnalytics } from '../analytics/index.js';
import type { Verb } from '../context.js';
import type { OrderEvent } from './order-event.js';
import { applyOrderEvent } from './record-order.js';

/**
 * Lines of a CSV file, header first: an array or any (async) iterable of strings. A readline interface
 * must start reading when iterated, not before (see fileLines in scripts/cli-support.ts): the orders
 * are read only after the products, and readline drops lines emitted while nobody iterates.
 */
export type CsvLines = AsyncIterable<string> | Iterable<string>;

export interface ImportOrdersInput {
  /** orders.csv: `member_id,order_id,ordered_at,product_id,quantity,amount`, one row per order line. */
  orders: CsvLines;
  /** products.csv: `product_id,name,category,brand,price`; imported first so order lines can name them. */
  products?: CsvLines;
  /** Orders applied per write transaction (default 500). */
  batchSize?: number;
  /** How many rejected rows to keep with their reason (default 20); the rest are only counted. */
  maxSamples?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Recompute member analytics (RFM, lifecycle) when orders were created (default true). */
  analytics?: boolean;
}

export interface ImportProgress {
  /** products: rows upserted; read: order rows read; apply: orders applied (total known). */
  phase: 'products' | 'read' | 'apply';
  done: number;
  total?: number;
}

export interface RejectedRow {
  file: 'orders' | 'products';
  /** 1-based physical line number (the header is line 1). */
  line: number;
  reason: string;
  raw: string;
}

export interface ImportReport {
  products: { created: number; updated: number; unchanged: number };
  /** unchanged: orders already in the store (orders are idempotent by id; a re-import changes nothing). */
  orders: { created: number; unchanged: number; lines: number; pointsEarned: number };
  membersCreated: number;
  /** Members whose analytics were recomputed after the import (0 when nothing new was imported). */
  analytics: { members: number };
  rejected: { count: number; byReason: Record<string, number>; samples: RejectedRow[] };
}

export const ORDER_COLUMNS = ['member_id', 'order_id', 'ordered_at', 'product_id', 'quantity', 'amount'] as const;
export const PRODUCT_COLUMNS = ['product_id', 'name', 'category', 'brand', 'price'] as const;

/** The order event schema's limit; an order with more lines keeps the first ones and rejects the rest. */
const MAX_LINES = 500;
/** Ids per `IN (...)` lookup, well under SQLite's bound-variable limit. */
const IN_CHUNK = 500;

interface PendingLine {
  productId: string;
  quantity: number;
  amount: number;
  line: number;
  raw: string;
}

interface PendingOrder {
  orderId: string;
  memberId: string;
  orderedAt: number;
  lines: PendingLine[];
}

/** Decimal yuan ("12.3", "12.30") to cents without float drift; null when not a non-negative amount. */
function cents(s: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO date-time; without a zone it is UTC (the format's rule). Rejects impossible dates like 02-30. */
function instant(s: string): number | null {
  const m = INSTANT.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Math.floor(Number(frac || '0') * 1000));
  const check = new Date(base);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return null;
  if (!zone || zone.toUpperCase() === 'Z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
  return base - sign * (zh * 60 + zm) * 60_000;
}

function id(s: string | undefined): string | null {
  const v = (s ?? '').trim();
  return v.length > 0 && v.length <= 64 ? v : null;
}

async function* numbered(lines: CsvLines): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of lines) {
    line++;
    yield { line, text };
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Imports products, then orders. Rows are validated one by one; a bad row is reported with its line
 * number and never aborts the import. Order lines are grouped by order id (rows of one order may be
 * anywhere in the file, so groups are held in memory in compact form: about 100-200 bytes a line),
 * then applied oldest first as `paid` events through applyOrderEvent, `batchSize` orders per
 * transaction, each in a savepoint so a rejected order does not undo its batch. Members that do not
 * exist are created (`Member {id}`, locale en). Orders already in the store are left as they are, so
 * re-running an import changes nothing.
 */
export const importOrders: Verb<ImportOrdersInput, ImportReport> = async ({ ctx, input }) => {
  const batchSize = Math.max(1, input.batchSize ?? 500);
  const maxSamples = input.maxSamples ?? 20;
  const report: ImportReport = {
    products: { created: 0, updated: 0, unchanged: 0 },
    orders: { created: 0, unchanged: 0, lines: 0, pointsEarned: 0 },
    membersCreated: 0,
    analytics: { members: 0 },
    rejected: { count: 0, byReason: {}, samples: [] },
  };
  const reject = (file: RejectedRow['file'], line: number, reason: string, raw: string, kind = reason) => {
    report.rejected.count++;
    report.rejected.byReason[kind] = (report.rejected.byReason[kind] ?? 0) + 1;
    if (report.rejected.samples.length < maxSamples) report.rejected.samples.push({ file, line, reason, raw });
  };

  // Every order event reviews the tier; without tiers each one would fail, so say it once up front.
  const [tierRow] = await ctx.store.db.select({ n: count() }).from(tiers);
  if (Number(tierRow?.n ?? 0) === 0)
    throw new DomainError('unavailable', 'No tiers are configured: seed the loyalty program before importing orders');

  if (input.products) await importProducts(ctx.store, input.products, batchSize, report, reject, input.onProgress);

  // Read and group the order rows.
  input.onProgress?.({ phase: 'read', done: 0 });
  const pending = new Map<string, PendingOrder>();
  let header: Map<string, number> | null = null;
  let rows = 0;
  for await (const { line, text } of numbered(input.orders)) {
    if (header === null) {
      const h = readHeader(text, ORDER_COLUMNS);
      if (h.missing.length) throw new DomainError('bad_request', `orders.csv: missing column(s) ${h.missing.join(', ')}`);
      header = h.index;
      continue;
    }
    if (text.trim() === '') continue;
    rows++;
    if (rows % 10_000 === 0) input.onProgress?.({ phase: 'read', done: rows });
    let f: string[];
    try {
      f = parseCsvLine(text);
    } catch (err) {
      reject('orders', line, err instanceof CsvError ? err.message : String(err), text, 'malformed CSV');
      continue;
    }
    const col = (name: (typeof ORDER_COLUMNS)[number]) => f[header!.get(name)!];
    const memberId = id(col('member_id'));
    const orderId = id(col('order_id'));
    const orderedAt = instant((col('ordered_at') ?? '').trim());
    const productId = id(col('product_id'));
    const qtyText = (col('quantity') ?? '').trim();
    const quantity = /^\d{1,6}$/.test(qtyText) ? Number(qtyText) : NaN;
    const amount = cents((col('amount') ?? '').trim());
    const problem =
      memberId === null
        ? ['member_id must be 1-64 characters', 'bad member_id']
        : orderId === null
          ? ['order_id must be 1-64 characters', 'bad order_id']
          : orderedAt === null
            ? [`ordered_at "${col('ordered_at') ?? ''}" is not an ISO date-time`, 'bad ordered_at']
            : productId === null
              ? ['product_id must be 1-64 characters', 'bad product_id']
              : !(quantity >= 1 && quantity <= 100_000)
                ? [`quantity "${qtyText}" must be a whole number from 1 to 100000`, 'bad quantity']
                : amount === null
                  ? [`amount "${col('amount') ?? ''}" must be a non-negative amount with at most 2 decimals`, 'bad amount']
                  : null;
    if (problem) {
      reject('orders', line, problem[0], text, problem[1]);
      continue;
    }
    let order = pending.get(orderId!);
    if (!order) {
      order = { orderId: orderId!, memberId: memberId!, orderedAt: orderedAt!, lines: [] };
      pending.set(orderId!, order);
    } else if (order.memberId !== memberId) {
      reject('orders', line, `order ${orderId} belongs to member ${order.memberId} in an earlier row`, text, 'order of another member');
      continue;
    } else if (order.lines.length >= MAX_LINES) {
      reject('orders', line, `order ${orderId} has more than ${MAX_LINES} lines`, text, 'too many lines');
      continue;
    }
    // Rows of one order normally share ordered_at; if not, the earliest is when it was placed.
    if (orderedAt! < order.orderedAt) order.orderedAt = orderedAt!;
    order.lines.push({ productId: productId!, quantity, amount: amount!, line, raw: text });
  }
  input.onProgress?.({ phase: 'read', done: rows });

  // Oldest first, so rolling spend and tier multipliers build up in the order they happened.
  const all = [...pending.values()].sort(
    (a, b) => a.orderedAt - b.orderedAt || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0),
  );
  pending.clear();
  let applied = 0;
  input.onProgress?.({ phase: 'apply', done: 0, total: all.length });
  for (const batch of chunks(all, batchSize)) {
    await ctx.store.write(async (tx) => {
      const now = ctx.clock();
      const existing = await existingOrders(
        tx,
        batch.map((o) => o.orderId),
      );
      const productIds = await existingIds(tx, 'products', [...new Set(batch.flatMap((o) => o.lines.map((l) => l.productId)))]);
      const ready: { order: PendingOrder; lines: PendingLine[] }[] = [];
      for (const o of batch) {
        const owner = existing.get(o.orderId);
        if (owner !== undefined) {
          if (owner === o.memberId) report.orders.unchanged++;
          else
            for (const l of o.lines)
              reject('orders', l.line, `order ${o.orderId} already belongs to another member`, l.raw, 'order of another member');
          continue;
        }
        const lines = o.lines.filter((l) => {
          if (productIds.has(l.productId)) return true;
          reject('orders', l.line, `unknown product ${l.productId} (not in products.csv or the store)`, l.raw, 'unknown product');
          return false;
        });
        if (lines.length > 0) ready.push({ order: o, lines });
      }

      // Members with something to record and not in the store yet, dated by their first (oldest) order.
      const firstSeen = new Map<string, number>();
      for (const { order } of ready) if (!firstSeen.has(order.memberId)) firstSeen.set(order.memberId, order.orderedAt);
      const known = await existingIds(tx, 'members', [...firstSeen.keys()]);
      const missing = [...firstSeen].filter(([m]) => !known.has(m));
      for (const part of chunks(missing, 100)) {
        await tx.insert(members).values(
          part.map(([m, at]) => ({
            id: m,
            name: `Member ${m}`,
            locale: 'en' as const,
            timeZone: 'UTC',
            createdAt: new Date(Math.min(at, now.getTime())),
          })),
        );
      }
      report.membersCreated += missing.length;

      for (const { order: o, lines } of ready) {
        const at = new Date(o.orderedAt);
        const event: OrderEvent = {
          orderId: o.orderId,
          memberId: o.memberId,
          status: 'paid',
          orderedAt: at,
          paidAt: at,
          lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, amount: l.amount })),
        };
        try {
          // A savepoint per order: if the domain refuses one, the rest of the batch still commits.
          const result = await tx.transaction((sp) => applyOrderEvent(sp, ctx, event));
          if (result.outcome === 'created') {
            report.orders.created++;
            report.orders.lines += lines.length;
            report.orders.pointsEarned += result.pointsEarned;
          } else {
            report.orders.unchanged++;
          }
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          for (const l of lines) reject('orders', l.line, `order ${o.orderId}: ${err.message}`, l.raw, `order refused (${err.code})`);
        }
      }
    });
    applied += batch.length;
    input.onProgress?.({ phase: 'apply', done: applied, total: all.length });
  }
  // Segments read RFM and lifecycle; new orders change them, so refresh them now rather than at the next daily run.
  if ((input.analytics ?? true) && report.orders.created > 0) {
    report.analytics.members = (await computeMemberAnalytics({ ctx, input: {} })).members;
  }
  return report;
};

async function existingIds(tx: Tx, table: 'members' | 'products', ids: string[]): Promise<Set<string>> {
  const t = table === 'members' ? members : products;
  const out = new Set<string>();
  for (const part of chunks(ids, IN_CHUNK)) {
    for (const r of await tx.select({ id: t.id }).from(t).where(inArray(t.id, part))) out.add(r.id);
  }
  return out;
}

async function existingOrders(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(ids, IN_CHUNK)) {
    for (const r of await tx.select({ id: orders.id, memberId: orders.memberId }).from(orders).where(inArray(orders.id, part)))
      out.set(r.id, r.memberId);
  }
  return out;
}

/** `excluded.<column>` in an upsert: the value the conflicting row would have inserted. */
const excluded = (column: string) => sql.raw(`excluded.${column}`);

type NewProductRow = {
  id: string;
  name: string;
  category: string;
  brand: string;
  priceCents: number;
  nameZh?: string | null;
  categoryZh?: string | null;
};

/** Optional products.csv columns: Chinese names of the product and its category (empty means none). */
export const PRODUCT_ZH_COLUMNS = ['name_zh', 'category_zh'] as const;

/**
 * Upserts products in batches, comparing with the store first so unchanged rows are not rewritten and
 * the report can tell created from updated. Chinese names are set only from a file that has their columns
 * (`name_zh`, `category_zh`), so a file without them keeps those the store has; stock and tier limits are left
 * alone: this format does not carry them.
 */
async function importProducts(
  store: { write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> },
  lines: CsvLines,
  batchSize: number,
  report: ImportReport,
  reject: (file: RejectedRow['file'], line: number, reason: string, raw: string, kind?: string) => void,
  onProgress?: (p: ImportProgress) => void,
): Promise<void> {
  let header: Map<string, number> | null = null;
  let zhName = false;
  let zhCategory = false;
  let batch = new Map<string, NewProductRow>();
  let done = 0;
  onProgress?.({ phase: 'products', done });
  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    await store.write(async (tx) => {
      const current = new Map<string, NewProductRow>();
      for (const part of chunks(
        rows.map((r) => r.id),
        IN_CHUNK,
      )) {
        const found = await tx
          .select({
            id: products.id,
            name: products.name,
            category: products.category,
            brand: products.brand,
            priceCents: products.priceCents,
            nameZh: products.nameZh,
            categoryZh: products.categoryZh,
          })
          .from(products)
          .where(inArray(products.id, part));
        for (const p of found) current.set(p.id, p);
      }
      const changed: NewProductRow[] = [];
      for (const r of rows) {
        const c = current.get(r.id);
        if (!c) report.products.created++;
        else if (
          c.name === r.name &&
          c.category === r.category &&
          c.brand === r.brand &&
          c.priceCents === r.priceCents &&
          (!zhName || c.nameZh === r.nameZh) &&
          (!zhCategory || c.categoryZh === r.categoryZh)
        ) {
          report.products.unchanged++;
          continue;
        } else report.products.updated++;
        changed.push(r);
      }
      for (const part of chunks(changed, 200)) {
        await tx
          .insert(products)
          .values(part)
          .onConflictDoUpdate({
            target: products.id,
            set: {
              name: excluded('name'),
              category: excluded('category'),
              brand: excluded('brand'),
              priceCents: excluded('price_cents'),
              ...(zhName ? { nameZh: excluded('name_zh') } : {}),
              ...(zhCategory ? { categoryZh: excluded('category_zh') } : {}),
            },
          });
      }
    });
    done += rows.length;
    onProgress?.({ phase: 'products', done });
  };
  for await (const { line, text } of numbered(lines)) {
    if (header === null) {
      const h = readHeader(text, PRODUCT_COLUMNS);
      if (h.missing.length) throw new DomainError('bad_request', `products.csv: missing column(s) ${h.missing.join(', ')}`);
      header = h.index;
      zhName = header.has('name_zh');
      zhCategory = header.has('category_zh');
      continue;
    }
    if (text.trim() === '') continue;
    let f: string[];
    try {
      f = parseCsvLine(text);
    } catch (err) {
      reject('products', line, err instanceof CsvError ? err.message : String(err), text, 'malformed CSV');
      continue;
    }
    const col = (name: (typeof PRODUCT_COLUMNS)[number] | (typeof PRODUCT_ZH_COLUMNS)[number]) => {
      const i = header!.get(name);
      return i === undefined ? '' : (f[i] ?? '').trim();
    };
    const productId = id(col('product_id'));
    const name = col('name');
    const price = cents(col('price'));
    const problem =
      productId === null
        ? ['product_id must be 1-64 characters', 'bad product_id']
        : name.length === 0 || name.length > 200
          ? ['name must be 1-200 characters', 'bad name']
          : col('name_zh').length > 200
            ? ['name_zh must be at most 200 characters', 'bad name']
            : col('category').length > 100 || col('brand').length > 100 || col('category_zh').length > 100
              ? ['category, category_zh and brand must be at most 100 characters', 'bad category/brand']
              : price === null
                ? [`price "${col('price')}" must be a non-negative amount with at most 2 decimals`, 'bad price']
                : null;
    if (problem) {
      reject('products', line, problem[0], text, problem[1]);
      continue;
    }
    // A later row for the same id wins, as it would in a spreadsheet.
    batch.delete(productId!);
    batch.set(productId!, {
      id: productId!,
      name,
      category: col('category'),
      brand: col('brand'),
      priceCents: price!,
      ...(zhName ? { nameZh: col('name_zh') || null } : {}),
      ...(zhCategory ? { categoryZh: col('category_zh') || null } : {}),
    });
    if (batch.size >= batchSize) await flush();
  }
  await flush();
}
