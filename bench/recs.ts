// `npm run bench:recs`: recommendation latency (p50/p99) and import throughput at scale, as ratios to baselines measured in the same run.
//
// The store (default 100k members, ~1.1M order lines, 20k products) is built once with the bulk seed
// plus a statistics rebuild and kept in ./data/ for later runs (--fresh rebuilds it). Latency is
// measured in-process, one request at a time, against two baselines on the same store and process:
// a primary-key read of the member row and the best-seller query recommendations replaced.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { count, eq, sql } from 'drizzle-orm';
import { members, orderLines, tiers } from '../db/schema/index.js';
import { memberIdFor } from '../db/seed/demo.js';
import { DEFAULT_TIERS } from '../db/seed/program.js';
import { Rng } from '../db/seed/random.js';
import { seedScale } from '../db/seed/scale.js';
import { openNodeStore } from '../src/db/open-node.js';
import { migrateStore } from '../src/db/migrate.js';
import { DEFAULT_RULES, type DomainCtx } from '../src/domain/context.js';
import { importOrders } from '../src/domain/orders/import-orders.js';
import { applyPurchaseStats, getBestSellers, rebuildRecommendationStats, recommendForMember } from '../src/domain/products/index.js';
import { createProgress } from '../src/lib/progress.js';
import { systemClock } from '../src/lib/time.js';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    products: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '3000' },
    'import-orders': { type: 'string', default: '3000' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench:recs -- [--members N=100000] [--products N=20000] [--requests N=3000] [--import-orders N=3000] [--fresh]
  The store is cached as data/bench-recs-<members>-<products>.db; --fresh builds it again.`);
  process.exit(0);
}
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};
const memberCount = int('members', args.members);
const productCount = int('products', args.products);
const requests = int('requests', args.requests);
const importCount = int('import-orders', args['import-orders']);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  mkdirSync('data', { recursive: true });
  const path = `data/bench-recs-${memberCount}-${productCount}.db`;
  if (args.fresh) for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  const fresh = !existsSync(path);
  const store = await openNodeStore(`file:${path}`);
  await migrateStore(store);
  // Pinned to when the store was built would be better, but the seed dates orders relative to now
  // and the bench store is rebuilt with --fresh; a day or two of drift does not change the work done.
  const ctx: DomainCtx = { store, clock: systemClock, rules: DEFAULT_RULES };
  try {
    if (fresh) {
      await store.write((tx) => tx.insert(tiers).values(DEFAULT_TIERS).onConflictDoNothing());
      const bar = createProgress('Seeding members', { total: memberCount, unit: 'members' });
      await seedScale(ctx, { members: memberCount, products: productCount, onProgress: (done) => bar.update(done) });
      bar.finish();
    }
    const [{ n: lines }] = await store.db.select({ n: count() }).from(orderLines);
    const [{ n: memberRows }] = await store.db.select({ n: count() }).from(members);
    console.log(`Store ${path}: ${fmt(memberRows)} members, ${fmt(lines)} order lines, ${fmt(productCount)} products`);

    // Bulk rebuild: what a store filled by other means pays once.
    if (fresh || !(await store.db.all(sql`select 1 from rec_totals limit 1`)).length) {
      const t0 = performance.now();
      const r = await rebuildRecommendationStats({ ctx, input: {} });
      const s = (performance.now() - t0) / 1000;
      console.log(
        `Statistics rebuild: ${s.toFixed(1)} s, ${fmt(lines / s)} order lines/s (${fmt(r.memberProducts)} member-product rows, ${fmt(r.pairs)} pairs)`,
      );
    }

    // Latency: random members, one request at a time, after a warm-up.
    const rng = new Rng(42);
    const ids = Array.from({ length: requests }, () => memberIdFor(rng.int(1, memberCount)));
    const warm = Math.min(300, requests);
    const allowedTiers = DEFAULT_TIERS.map((t) => t.code);
    await time(warm, (i) => recommendForMember({ ctx, input: { memberId: ids[i], k: 10 } }));
    await time(warm, (i) => store.db.select().from(members).where(eq(members.id, ids[i])));
    await time(1, () => getBestSellers({ ctx, input: { allowedTierCodes: allowedTiers, limit: 10 } }));
    const pk = percentiles(await time(requests, (i) => store.db.select().from(members).where(eq(members.id, ids[i]))));
    const recs = percentiles(await time(requests, (i) => recommendForMember({ ctx, input: { memberId: ids[i], k: 10 } })));
    const band = percentiles(
      await time(requests, (i) =>
        recommendForMember({ ctx, input: { memberId: ids[i], k: 10, minPriceCents: 2_000, maxPriceCents: 8_000 } }),
      ),
    );
    const best = percentiles(
      // A full aggregation of the order lines per call: a few samples are enough to compare with.
      await time(Math.min(5, requests), () => getBestSellers({ ctx, input: { allowedTierCodes: allowedTiers, limit: 10 } })),
    );
    const row = (name: string, p: ReturnType<typeof percentiles>) =>
      `  ${name.padEnd(48)} p50 ${p.p50.toFixed(3).padStart(8)} ms   p99 ${p.p99.toFixed(3).padStart(8)} ms   (${(p.p50 / pk.p50).toFixed(1)}x / ${(p.p99 / pk.p99).toFixed(1)}x the member-row read)`;
    console.log(`Latency, ${fmt(requests)} requests each (k = 10):`);
    console.log(row('member row by primary key', pk));
    console.log(row('recommendForMember', recs));
    console.log(row('recommendForMember, price band', band));
    console.log(row(`best sellers (the query it replaces; ${Math.min(5, requests)} samples)`, best));
    console.log(`  recommendations vs best sellers: p50 ${(recs.p50 / best.p50).toFixed(3)}x, p99 ${(recs.p99 / best.p99).toFixed(3)}x`);
    console.log(`  goal p99 < 5 ms: ${recs.p99 < 5 ? 'met' : 'NOT met'} (${recs.p99.toFixed(2)} ms)`);

    // Import throughput through the real import (points, tier review, statistics), then the share of
    // it the statistics take, measured on the same orders in a transaction that is rolled back.
    const products = await store.db.all<{ id: string; price_cents: number }>(sql`select id, price_cents from products order by id`);
    const run = Date.now().toString(36);
    const csv = ['member_id,order_id,ordered_at,product_id,quantity,amount'];
    const events: { memberId: string; orderedAt: Date; lines: { productId: string; quantity: number }[] }[] = [];
    const at = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < importCount; i++) {
      const memberId = memberIdFor(rng.int(1, memberCount));
      const n = rng.int(1, 5);
      const lines: { productId: string; quantity: number }[] = [];
      for (let l = 0; l < n; l++) {
        // Squared uniform: a skewed choice, as real catalogs have best sellers.
        const p = products[Math.floor(rng.float() ** 2 * products.length)];
        const q = rng.int(1, 3);
        lines.push({ productId: p.id, quantity: q });
        csv.push(`${memberId},BR-${run}-${i},${at.toISOString()},${p.id},${q},${((p.price_cents * q) / 100).toFixed(2)}`);
      }
      events.push({ memberId, orderedAt: at, lines });
    }
    const t0 = performance.now();
    const report = await importOrders({ ctx, input: { orders: csv } });
    const importSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await store
      .write(async (tx) => {
        for (const e of events) await applyPurchaseStats(tx, e, 1);
        throw new RollBack();
      })
      .catch((err) => {
        if (!(err instanceof RollBack)) throw err;
      });
    const statsSeconds = (performance.now() - t1) / 1000;
    console.log(
      `Import of ${fmt(report.orders.created)} orders (${fmt(report.orders.lines)} lines): ${fmt(report.orders.created / importSeconds)} orders/s, ` +
        `${fmt(report.orders.lines / importSeconds)} lines/s`,
    );
    console.log(
      `  statistics upkeep alone: ${fmt(events.length / statsSeconds)} orders/s, ${((statsSeconds / importSeconds) * 100).toFixed(0)}% of the import's time`,
    );
  } finally {
    store.close();
  }
}

class RollBack extends Error {}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
