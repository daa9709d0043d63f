// `npm run import -- --orders F.csv --products F.csv [--database-url URL]`: loads the generic CSV format into a store.
import { count } from 'drizzle-orm';
import { tiers } from '../db/schema/index.js';
import { DEFAULT_TIERS } from '../db/seed/program.js';
import { importOrders, type ImportProgress } from '../src/domain/orders/import-orders.js';
import { createProgress, formatDuration, type ProgressBar } from '../src/lib/progress.js';
import { databaseUrl, domainCtxFromEnv, fileLines, num, openMigratedStore, parseArgs, runMain } from './cli-support.js';

const USAGE = `Usage: npm run import -- --orders orders.csv [--products products.csv] [--database-url URL] [--batch-size 500]
  orders.csv    member_id,order_id,ordered_at,product_id,quantity,amount  (one row per order line;
                ordered_at is ISO, UTC when it has no zone; amount is the line total in yuan)
  products.csv  product_id,name,category,brand,price`;

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    orders: 'string',
    products: 'string',
    'database-url': 'string',
    'batch-size': 'string',
    help: 'boolean',
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (typeof args.orders !== 'string') throw new Error(`--orders is required\n${USAGE}`);
  const batchSize = args['batch-size'] === undefined ? 500 : Number(args['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive whole number');
  const url = databaseUrl(args['database-url']);
  const ordersFile = fileLines(args.orders);
  const productsFile = typeof args.products === 'string' ? fileLines(args.products) : undefined;

  const store = await openMigratedStore(url);
  try {
    const ctx = domainCtxFromEnv(store);
    // Orders earn points at tier multipliers; a fresh store gets the program's default tiers first.
    if (Number((await store.db.select({ n: count() }).from(tiers))[0]?.n ?? 0) === 0) {
      await store.write((tx) => tx.insert(tiers).values(DEFAULT_TIERS).onConflictDoNothing());
      process.stderr.write('The store had no tiers: installed the default program (regular/silver/gold/diamond).\n');
    }
    const started = performance.now();
    const bars: Partial<Record<ImportProgress['phase'], ProgressBar>> = {};
    let applyStarted = 0;
    const onProgress = (p: ImportProgress) => {
      if (p.phase === 'products' && productsFile) {
        (bars.products ??= createProgress('Products', { total: productsFile.size, unit: 'bytes' })).update(productsFile.bytesRead());
      } else if (p.phase === 'read') {
        bars.products?.finish();
        (bars.read ??= createProgress('Reading orders', { total: ordersFile.size, unit: 'bytes' })).update(ordersFile.bytesRead());
      } else if (p.phase === 'apply') {
        if (!bars.apply) {
          bars.products?.finish();
          bars.read?.finish();
          applyStarted = performance.now();
        }
        (bars.apply ??= createProgress('Applying orders', { total: p.total, unit: 'orders' })).update(p.done, p.total);
      }
    };
    const report = await importOrders({
      ctx,
      input: { orders: ordersFile.lines, products: productsFile?.lines, batchSize, onProgress },
    });
    bars.products?.finish();
    bars.read?.finish();
    bars.apply?.finish();
    const seconds = (performance.now() - started) / 1000;
    const applySeconds = applyStarted ? (performance.now() - applyStarted) / 1000 : 0;
    const applied = report.orders.created + report.orders.unchanged;
    const out = [
      `Imported into ${url} in ${formatDuration(seconds)} (${seconds.toFixed(1)} s)`,
      `  products   ${num(report.products.created)} created, ${num(report.products.updated)} updated, ${num(report.products.unchanged)} unchanged`,
      `  orders     ${num(report.orders.created)} created, ${num(report.orders.unchanged)} unchanged, ${num(report.orders.lines)} lines` +
        (applySeconds > 0 ? ` (${num(Math.round(applied / applySeconds))} orders/s applied)` : ''),
      `  members    ${num(report.membersCreated)} created`,
      `  points     ${num(report.orders.pointsEarned)} earned`,
      `  rejected   ${num(report.rejected.count)} row(s)`,
    ];
    for (const [reason, n] of Object.entries(report.rejected.byReason).sort((a, b) => b[1] - a[1]))
      out.push(`    ${num(n).padStart(8)}  ${reason}`);
    const firstFew = [...report.rejected.samples].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line).slice(0, 10);
    for (const r of firstFew) {
      out.push(`    ${r.file}.csv:${r.line}: ${r.reason}\n        ${r.raw.length > 120 ? `${r.raw.slice(0, 117)}...` : r.raw}`);
    }
    if (report.rejected.count > 10) out.push(`    ... and ${num(report.rejected.count - 10)} more`);
    console.log(out.join('\n'));
  } finally {
    store.close();
  }
}

runMain(main);
