// Node entry (`npm start`): local libSQL file migrated and seeded on first start, in-memory state, offline brain.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { DEMO_EN_MEMBER_ID, DEMO_ZH_MEMBER_ID, isSeeded, seedDemo } from '../../db/seed/demo.js';
import { seedDemoStaff } from '../../db/seed/staff.js';
import { createApp } from '../app.js';
import { filePath, openNodeStore } from '../db/open-node.js';
import { migrateStore } from '../db/migrate.js';
import { createDeps, createState } from '../deps.js';
import { ensureRecommendationStats } from '../domain/products/index.js';
import { parseEnv } from '../env.js';
import { startScheduler } from '../jobs/scheduler.js';
import { createLogger } from '../lib/log.js';
import { withDevSecrets } from './dev-secrets.js';
import { nodeHttpClient } from './node-http.js';
import { warmUp } from '../assistant/offline/nlu/index.js';

async function main() {
  let config = parseEnv(process.env);
  let devSecrets: ReturnType<typeof withDevSecrets> | null = null;
  if (config.DATABASE_URL.startsWith('file:')) {
    const dataDir = dirname(resolve(filePath(config.DATABASE_URL)));
    mkdirSync(dataDir, { recursive: true });
    if (config.NODE_ENV !== 'production') {
      devSecrets = withDevSecrets(process.env, dataDir);
      config = parseEnv(devSecrets.env);
    }
  }
  const log = createLogger(config.LOG_LEVEL);
  const store = await openNodeStore(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, { busyTimeoutMs: config.DB_BUSY_TIMEOUT_MS });
  await migrateStore(store);
  const deps = createDeps({
    config,
    store,
    state: createState(config, log),
    log,
    http: nodeHttpClient(),
    demoMemberIds: [DEMO_ZH_MEMBER_ID, DEMO_EN_MEMBER_ID],
  });
  if ((config.SEED_DEMO ?? config.NODE_ENV !== 'production') && !(await isSeeded(store))) {
    const started = Date.now();
    const r = await seedDemo(deps.domain);
    log.info('demo data seeded', { members: r.members, orders: r.orders, ms: Date.now() - started });
  }
  // Backfill for stores that have orders from before the recommender (idempotent; a no-op once built).
  const rebuilt = await ensureRecommendationStats({ ctx: deps.domain, input: {} });
  if (rebuilt) log.info('recommendation statistics built', { orders: rebuilt.orders, pairs: rebuilt.pairs });
  // Development only: demo staff with passwords printed once below (production gets no default passwords).
  const demoStaff = (config.SEED_DEMO ?? true) && config.NODE_ENV !== 'production' ? await seedDemoStaff(deps.domain) : [];
  // Train the offline language models now (a few hundred ms) so the first member of each language does not wait.
  warmUp();
  const stopJobs = startScheduler(deps);
  // Broadcasts go out within seconds of a launch, not at the next minute's job.
  const stopBroadcast = config.BROADCAST_TICK_MS > 0 ? deps.broadcast.start(config.BROADCAST_TICK_MS) : () => undefined;
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    const base = config.PUBLIC_URL ?? `http://localhost:${info.port}`;
    const lines = [
      `Member Assistant is listening on ${base}`,
      `  web chat          ${base}/`,
      `  Bot Framework     ${base}/api/messages  (Emulator: no app id/password needed)`,
      `  health / ready    ${base}/health  ${base}/ready`,
      `  API description   ${base}/openapi.json`,
      `  staff console     ${base}/console`,
    ];
    for (const [name, value] of Object.entries(deps.generated)) {
      lines.push(`  ${name} (generated for this run; set it to keep it): ${value}`);
    }
    for (const [name, value] of Object.entries(devSecrets?.fromFile ?? {})) {
      lines.push(`  ${name} (development, kept in ${devSecrets?.file}): ${value}`);
    }
    for (const s of demoStaff) {
      lines.push(`  demo ${s.role.padEnd(8)} ${s.email} / ${s.password}  (shown once; npm run staff -- reset-password --email ${s.email})`);
    }
    console.log(lines.join('\n'));
  });
  const shutdown = () => {
    stopJobs();
    stopBroadcast();
    server.close(() => {
      store.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
