// `npm run --silent recs:batch -- --orders F --products F --members F --k 10`: recommendations for a list of members from a given history.
//
// Imports the history (the generic CSV format) into a fresh temporary store through the same import
// the product uses (so the statistics are maintained exactly as in production), then prints one JSON
// line per member on stdout: {"member_id": "...", "product_ids": ["...", ...]} (k items, best first).
// Recommendations are made "as of" the newest order in the history. Progress goes to stderr.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { tiers } from '../db/schema/index.js';
import { DEFAULT_TIERS } from '../db/seed/program.js';
import { DEFAULT_RULES, type DomainCtx } from '../src/domain/context.js';
import { importOrders } from '../src/domain/orders/import-orders.js';
import {
  estimatePriorStrength,
  MAX_K,
  recommendForMember,
  recommendForNewcomer,
  type TotalsRow,
} from '../src/domain/products/recommend.js';
import { DomainError } from '../src/lib/errors.js';
import { systemClock } from '../src/lib/time.js';
import { fileLines, num, openMigratedStore, parseArgs, runMain } from './cli-support.js';

const USAGE = `Usage: npm run --silent recs:batch -- --orders orders.csv --products products.csv --members members.txt [--k 10]
  orders.csv    member_id,order_id,ordered_at,product_id,quantity,amount
  products.csv  product_id,name,category,brand,price
  members.txt   one member id per line
Prints one JSON line per member on stdout; progress on stderr.`;

const log = (s: string) => process.stderr.write(`${s}\n`);

/** `{"member_id": "...", "product_ids": [...]}` with the spacing of the documented format. */
export function formatLine(memberId: string, productIds: string[]): string {
  return `{"member_id": ${JSON.stringify(memberId)}, "product_ids": [${productIds.map((p) => JSON.stringify(p)).join(', ')}]}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { orders: 'string', products: 'string', members: 'string', k: 'string', help: 'boolean' });
  if (args.help) {
    log(USAGE);
    return;
  }
  for (const name of ['orders', 'products', 'members'] as const)
    if (typeof args[name] !== 'string') throw new Error(`--${name} is required\n${USAGE}`);
  const k = args.k === undefined ? 10 : Number(args.k);
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new Error(`--k must be a whole number from 1 to ${MAX_K}`);
  const memberIds = readFileSync(args.members as string, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

  const dir = mkdtempSync(join(tmpdir(), 'recs-batch-'));
  const store = await openMigratedStore(`file:${join(dir, 'store.db')}`);
  try {
    await store.write((tx) => tx.insert(tiers).values(DEFAULT_TIERS).onConflictDoNothing());
    const importCtx: DomainCtx = { store, clock: systemClock, rules: DEFAULT_RULES };
    const started = performance.now();
    let lastLog = 0;
    const report = await importOrders({
      ctx: importCtx,
      input: {
        orders: fileLines(args.orders as string).lines,
        products: fileLines(args.products as string).lines,
        onProgress: (p) => {
          if (p.phase !== 'apply' || performance.now() - lastLog < 30_000) return;
          lastLog = performance.now();
          log(`  applying orders ${num(p.done)}/${num(p.total ?? 0)}`);
        },
      },
    });
    const seconds = (performance.now() - started) / 1000;
    log(
      `Imported ${num(report.orders.created)} orders (${num(report.orders.lines)} lines, ${num(report.products.created)} products, ` +
        `${num(report.rejected.count)} rows rejected) in ${seconds.toFixed(1)} s`,
    );
    for (const [reason, n] of Object.entries(report.rejected.byReason)) log(`  rejected: ${num(n)} x ${reason}`);
    const [end] = await store.db.all<{ t: number | null }>(sql`select max(ordered_at) as t from orders`);
    const asOf = new Date(Number(end?.t ?? Date.now()));
    const ctx: DomainCtx = { store, clock: () => asOf, rules: DEFAULT_RULES };
    const [totals] = await store.db.all<TotalsRow>(sql`select * from rec_totals where id = 'all'`);
    log(
      `Recommending as of ${asOf.toISOString()}; prior strength estimated from the history: ${estimatePriorStrength(totals).toFixed(1)} orders`,
    );

    const out: string[] = [];
    let unknown = 0;
    for (const memberId of memberIds) {
      let items: { productId: string }[];
      try {
        items = await recommendForMember({ ctx, input: { memberId, k } });
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'not_found')) throw err;
        unknown++;
        items = await recommendForNewcomer({ ctx, input: { k } });
      }
      out.push(
        formatLine(
          memberId,
          items.map((i) => i.productId),
        ),
      );
      if (out.length >= 1_000) process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
    if (out.length) process.stdout.write(`${out.join('\n')}\n`);
    if (unknown) log(`${num(unknown)} member(s) had no history: they got popular products`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
