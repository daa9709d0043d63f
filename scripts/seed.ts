// `npm run seed -- [--members N] [--database-url URL] [--reset]`: demo data, plus a benchmark-scale store for N > 1000.
import { count } from 'drizzle-orm';
import { members, orderLines, orders, pointsLedger, products } from '../db/schema/index.js';
import { DEMO_EN_MEMBER_ID, DEMO_ZH_MEMBER_ID, isSeeded, seedDemo } from '../db/seed/demo.js';
import { seedScale } from '../db/seed/scale.js';
import { rebuildRecommendationStats } from '../src/domain/products/index.js';
import type { Store } from '../src/db/client.js';
import { createProgress, formatDuration } from '../src/lib/progress.js';
import { databaseUrl, domainCtxFromEnv, num, openMigratedStore, parseArgs, removeLocalDatabase, runMain } from './cli-support.js';

const USAGE = `Usage: npm run seed -- [--members N] [--database-url URL] [--reset]
  --members N         members to create (default 200). Up to 1000 all go through the domain;
                      above that, 200 demo members plus a bulk-generated benchmark store.
  --database-url URL  default: $DATABASE_URL or file:./data/member-assistant.db
  --reset             delete the local database file first`;

/** Demo members written through the domain when the total is large (the rest are bulk-generated). */
const DEMO_MEMBERS_AT_SCALE = 200;
const DEMO_MAX = 1_000;

async function counts(store: Store) {
  const one = async (t: typeof members | typeof orders | typeof orderLines | typeof pointsLedger | typeof products) =>
    Number((await store.db.select({ n: count() }).from(t))[0]?.n ?? 0);
  return {
    members: await one(members),
    orders: await one(orders),
    lines: await one(orderLines),
    ledger: await one(pointsLedger),
    products: await one(products),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { members: 'string', 'database-url': 'string', reset: 'boolean', help: 'boolean' });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const total = args.members === undefined ? 200 : Number(args.members);
  if (!Number.isInteger(total) || total < 2) throw new Error(`--members must be a whole number of at least 2\n${USAGE}`);
  const url = databaseUrl(args['database-url']);
  if (args.reset) removeLocalDatabase(url);
  const store = await openMigratedStore(url);
  try {
    const ctx = domainCtxFromEnv(store);
    if (await isSeeded(store)) {
      const c = await counts(store);
      console.log(
        `${url} is already seeded (${num(c.members)} members, ${num(c.orders)} orders); nothing to do. Use --reset to start over.`,
      );
      return;
    }
    const started = performance.now();
    const demoMembers = total <= DEMO_MAX ? total : DEMO_MEMBERS_AT_SCALE;
    const demoBar = createProgress(`Demo members (${num(demoMembers)}): order events`, { unit: 'events' });
    const demo = await seedDemo(ctx, { members: demoMembers, onProgress: (done, all) => demoBar.update(done, all) });
    demoBar.finish(`-> ${num(demo.members)} members, ${num(demo.orders)} orders`);
    if (total > demoMembers) {
      const bar = createProgress('Bulk members', { total: total - demoMembers, unit: 'members' });
      await seedScale(ctx, { members: total - demoMembers, onProgress: (done) => bar.update(done) });
      bar.finish();
      // The bulk seed writes orders directly, bypassing the order events that keep these up to date.
      const r = await rebuildRecommendationStats({ ctx, input: {} });
      console.log(`Recommendation statistics rebuilt: ${num(r.memberProducts)} member-product rows, ${num(r.pairs)} co-purchase pairs`);
    }
    const c = await counts(store);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      [
        `Seeded ${url} in ${formatDuration(seconds)} (${seconds.toFixed(1)} s)`,
        `  members        ${num(c.members)}`,
        `  products       ${num(c.products)}`,
        `  orders         ${num(c.orders)} (${num(c.lines)} lines)`,
        `  ledger entries ${num(c.ledger)}`,
        `  demo members   ${DEMO_ZH_MEMBER_ID} (zh-CN, Gold; Emulator user id demo-zh), ${DEMO_EN_MEMBER_ID} (en, Silver; demo-en)`,
      ].join('\n'),
    );
  } finally {
    store.close();
  }
}

runMain(main);
