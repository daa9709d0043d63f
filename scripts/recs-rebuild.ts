// `npm run recs:rebuild -- [--database-url URL]`: recomputes the recommendation statistics from the paid orders in a store.
import { rebuildRecommendationStats } from '../src/domain/products/index.js';
import { databaseUrl, domainCtxFromEnv, num, openMigratedStore, parseArgs, runMain } from './cli-support.js';

async function main() {
  const args = parseArgs(process.argv.slice(2), { 'database-url': 'string', help: 'boolean' });
  if (args.help) {
    console.log(`Usage: npm run recs:rebuild -- [--database-url URL]
  Rebuilds co-purchase pairs, popularity and member purchase statistics from the orders. Order events
  and imports keep them up to date on their own; this is for stores filled by other means.`);
    return;
  }
  const url = databaseUrl(args['database-url']);
  const store = await openMigratedStore(url);
  try {
    const started = performance.now();
    const r = await rebuildRecommendationStats({ ctx: domainCtxFromEnv(store), input: {} });
    const s = (performance.now() - started) / 1000;
    console.log(
      `Rebuilt recommendation statistics of ${url} in ${s.toFixed(1)} s: ${num(r.orders)} paid orders, ` +
        `${num(r.memberProducts)} member-product rows, ${num(r.pairs)} co-purchase pairs`,
    );
  } finally {
    store.close();
  }
}

runMain(main);
