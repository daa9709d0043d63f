// CSV import on a real libSQL file: exact products, members, orders and points; idempotent re-runs; bad rows by line number.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, orders, pointsLedger, products } from '../../db/schema/index.js';
import { importOrders, type ImportReport } from '../../src/domain/orders/import-orders.js';
import { CsvError, formatCsvLine, parseCsvLine } from '../../src/lib/csv.js';
// The CLI's streaming reader, so the test covers reading files line by line too.
import { fileLines } from '../../scripts/cli-support.js';
import { domainCtx, fixedClock, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

// Line numbers matter: the report must point at these exact lines (the header is line 1).
const PRODUCTS_CSV = [
  'product_id,name,category,brand,price',
  'A1,"Tea, green ""premium""",Drinks,Leaf,15.50',
  'A2,Rice cooker,Home,Midea,399',
  'A3,Chocolate,Snacks,Dove,39.9',
  'A4,,Snacks,X,1.00', // line 5: no name
  'A5,Phone,Electronics,Mi,abc', // line 6: bad price
].join('\n');

const ORDERS_CSV = [
  'member_id,order_id,ordered_at,product_id,quantity,amount',
  'm1,o1,2026-01-10T10:00:00,A1,2,31.00', // 2
  'm1,o1,2026-01-10T10:00:00,A2,1,399.00', // 3
  'm2,o3,2026-02-01T09:00:00,A3,1,39.90', // 4
  'm1,o2,2026-03-01T12:00:00,A2,5,1995.00', // 5
  'm1,o4,2026-04-01T12:00:00,A1,1,100', // 6
  'm1,o1,2026-01-10T10:00:00,A3,1,"10.50"', // 7: a later row of o1, quoted amount
  'm2,o3,2026-02-01T09:00:00,P1,1,15.00', // 8: a product the store already has
  'm2,o5,2026-13-01T00:00:00,A1,1,1.00', // 9: month 13
  'm2,o6,2026-02-02T00:00:00,A1,x,1.00', // 10: bad quantity
  'm2,o7,2026-02-03T00:00:00,A1,1,-5', // 11: negative amount
  'm3,o8,2026-02-04T00:00:00,ZZZ,1,5.00', // 12: unknown product (o8 has no other line)
  'm9,o1,2026-01-10T10:00:00,A1,1,1.00', // 13: o1 is m1's
  'm2,"o9,2026-02-05T00:00:00,A1,1,1.00', // 14: unterminated quote
  '', // 15: blank, skipped
  'm2,o10,2026-05-20T08:30:00Z,A3,2,79.80', // 16
].join('\r\n');

/** An orders file with nothing but its header, for imports of products alone. */
const NO_ORDERS = ['member_id,order_id,ordered_at,product_id,quantity,amount'];

let store: TestStore;
let ctx: ReturnType<typeof domainCtx>;
let dir: string;
let first: ImportReport;

async function runImport(): Promise<ImportReport> {
  return importOrders({
    ctx,
    input: { orders: fileLines(join(dir, 'orders.csv')).lines, products: fileLines(join(dir, 'products.csv')).lines, batchSize: 2 },
  });
}

async function snapshot() {
  return {
    members: await store.db.select().from(members).orderBy(members.id),
    orders: await store.db.select().from(orders).orderBy(orders.id),
    ledger: await store.db.select().from(pointsLedger).orderBy(pointsLedger.id),
    products: await store.db.select().from(products).orderBy(products.id),
  };
}

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, fixedClock('2026-06-01T00:00:00Z'));
  await seedProgram(store); // tiers, products P1-P3, coupons
  dir = mkdtempSync(join(tmpdir(), 'ma-import-'));
  writeFileSync(join(dir, 'products.csv'), PRODUCTS_CSV);
  writeFileSync(join(dir, 'orders.csv'), ORDERS_CSV);
  first = await runImport();
});
afterAll(() => {
  store?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('parseCsvLine', () => {
  it('handles quoted commas, doubled quotes, empty fields and CRLF', () => {
    expect(parseCsvLine('a,"b, c","say ""hi""",,e\r')).toEqual(['a', 'b, c', 'say "hi"', '', 'e']);
    expect(parseCsvLine('""')).toEqual(['']);
    expect(parseCsvLine('x,')).toEqual(['x', '']);
    expect(parseCsvLine(formatCsvLine(['a,b', 'q"q', 3]))).toEqual(['a,b', 'q"q', '3']);
  });
  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsvLine('"abc,d')).toThrow(CsvError);
    expect(() => parseCsvLine('"ab"c,d')).toThrow(CsvError);
  });
});

describe('importOrders', () => {
  it('upserts the good products, keeping a quoted name with a comma intact', async () => {
    expect(first.products).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const [a1] = await store.db.select().from(products).where(eq(products.id, 'A1'));
    expect(a1).toMatchObject({ name: 'Tea, green "premium"', category: 'Drinks', brand: 'Leaf', priceCents: 1550 });
    const [a3] = await store.db.select().from(products).where(eq(products.id, 'A3'));
    expect(a3.priceCents).toBe(3990);
  });

  it('creates members with orders, orders grouped by id, and points at the tier multiplier held at payment', async () => {
    // o1 (m1, Jan): 31.00 + 399.00 + 10.50 = 440.50 yuan at 1x -> 440 points (regular).
    // o3 (m2, Feb): 39.90 + 15.00 = 54.90 -> 54.
    // o2 (m1, Mar): 1995.00 at 1x -> 1995; m1's rolling spend is now 2435.50 -> silver.
    // o4 (m1, Apr): 100.00 at 1.2x -> 120.
    // o10 (m2, May): 79.80 -> 79.
    expect(first.orders).toEqual({ created: 5, unchanged: 0, lines: 8, pointsEarned: 440 + 54 + 1995 + 120 + 79 });
    expect(first.membersCreated).toBe(2);
    const m = await store.db.select().from(members).orderBy(members.id);
    expect(m.map((x) => [x.id, x.name, x.locale, x.tierCode, x.pointsBalance])).toEqual([
      ['m1', 'Member m1', 'en', 'silver', 440 + 1995 + 120],
      ['m2', 'Member m2', 'en', 'regular', 54 + 79],
    ]);
    const o = await store.db.select().from(orders).orderBy(orders.id);
    expect(o.map((x) => [x.id, x.memberId, x.status, x.totalCents, x.pointsEarned])).toEqual([
      ['o1', 'm1', 'paid', 44_050, 440],
      ['o10', 'm2', 'paid', 7_980, 79], // amount is the line total, not a unit price
      ['o2', 'm1', 'paid', 199_500, 1995],
      ['o3', 'm2', 'paid', 5_490, 54],
      ['o4', 'm1', 'paid', 10_000, 120],
    ]);
    const o1 = o.find((x) => x.id === 'o1')!;
    expect(o1.orderedAt.toISOString()).toBe('2026-01-10T10:00:00.000Z'); // no zone = UTC
    const [lines] = await store.db.all<{ n: number }>(sql`select count(*) as n from order_lines`);
    expect(Number(lines.n)).toBe(8);
  });

  it('reports every bad row with its file, line number and reason, and imports the rest', () => {
    expect(first.rejected.count).toBe(8);
    const where = first.rejected.samples.map((r) => `${r.file}:${r.line}`).sort();
    expect(where).toEqual(['orders:10', 'orders:11', 'orders:12', 'orders:13', 'orders:14', 'orders:9', 'products:5', 'products:6'].sort());
    const reason = (file: string, line: number) => first.rejected.samples.find((r) => r.file === file && r.line === line)?.reason;
    expect(reason('orders', 9)).toMatch(/ordered_at/);
    expect(reason('orders', 10)).toMatch(/quantity/);
    expect(reason('orders', 11)).toMatch(/amount/);
    expect(reason('orders', 12)).toMatch(/unknown product ZZZ/);
    expect(reason('orders', 13)).toMatch(/belongs to member m1/);
    expect(reason('orders', 14)).toMatch(/unterminated/);
    expect(reason('products', 5)).toMatch(/name/);
    expect(reason('products', 6)).toMatch(/price/);
    expect(first.rejected.samples.find((r) => r.line === 12)?.raw).toBe('m3,o8,2026-02-04T00:00:00,ZZZ,1,5.00');
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await snapshot();
    const again = await runImport();
    expect(again.products).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(again.orders).toEqual({ created: 0, unchanged: 5, lines: 0, pointsEarned: 0 });
    expect(again.membersCreated).toBe(0);
    expect(again.rejected.count).toBe(8);
    expect(await snapshot()).toEqual(before);
  });

  it('updates a product whose row changed, and keeps only a few samples of many bad rows', async () => {
    const r = await importOrders({
      ctx,
      input: {
        products: ['product_id,name,category,brand,price', 'A2,Rice cooker 4L,Home,Midea,379'],
        orders: [
          'member_id,order_id,ordered_at,product_id,quantity,amount',
          ...Array.from({ length: 30 }, (_, i) => `m1,x${i},not-a-date,A1,1,1.00`),
        ],
        maxSamples: 5,
      },
    });
    expect(r.products).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(r.rejected.count).toBe(30);
    expect(r.rejected.samples).toHaveLength(5);
    expect(r.rejected.byReason).toEqual({ 'bad ordered_at': 30 });
    const [a2] = await store.db.select().from(products).where(eq(products.id, 'A2'));
    expect(a2).toMatchObject({ name: 'Rice cooker 4L', priceCents: 37_900, nameZh: null });
  });

  it("takes Chinese names from the optional name_zh and category_zh columns, and a file without them keeps the store's", async () => {
    const zh = await importOrders({
      ctx,
      input: {
        orders: NO_ORDERS,
        products: [
          'product_id,name,category,brand,price,name_zh,category_zh',
          'A2,Rice cooker 4L,Home,Midea,379,美的电饭煲 4L,家居',
          'A3,Chocolate,Snacks,Dove,39.9,,零食',
          `A1,Tea,Drinks,Leaf,15.50,${'茶'.repeat(201)},饮品`,
        ],
      },
    });
    expect(zh.products).toEqual({ created: 0, updated: 2, unchanged: 0 });
    expect(zh.rejected.byReason).toEqual({ 'bad name': 1 });
    const row = async (id: string) => (await store.db.select().from(products).where(eq(products.id, id)))[0];
    expect(await row('A2')).toMatchObject({ nameZh: '美的电饭煲 4L', categoryZh: '家居' });
    expect(await row('A3')).toMatchObject({ nameZh: null, categoryZh: '零食' });
    // The same rows again change nothing; a file in the plain format leaves the Chinese names as they are.
    const again = await importOrders({
      ctx,
      input: {
        orders: NO_ORDERS,
        products: ['product_id,name,category,brand,price,name_zh,category_zh', 'A2,Rice cooker 4L,Home,Midea,379,美的电饭煲 4L,家居'],
      },
    });
    expect(again.products).toEqual({ created: 0, updated: 0, unchanged: 1 });
    const plain = await importOrders({
      ctx,
      input: { orders: NO_ORDERS, products: ['product_id,name,category,brand,price', 'A2,Rice cooker 4L,Home,Midea,389'] },
    });
    expect(plain.products).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await row('A2')).toMatchObject({ priceCents: 38_900, nameZh: '美的电饭煲 4L', categoryZh: '家居' });
  });

  it('refuses a file whose header lacks a required column', async () => {
    await expect(importOrders({ ctx, input: { orders: ['member_id,order_id,product_id,quantity,amount'] } })).rejects.toThrow(/ordered_at/);
  });
});
