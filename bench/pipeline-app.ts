// The real app for the bench, assembled as `npm start` does, on a fresh migrated libSQL file with bench members.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { openNodeStore } from '../src/db/open-node.js';
import { migrateStore } from '../src/db/migrate.js';
import { createDeps, type AppDeps } from '../src/deps.js';
import { parseEnv } from '../src/env.js';
import { createLogger } from '../src/lib/log.js';
import { nodeHttpClient } from '../src/runtime/node-http.js';
import { MemoryState } from '../src/state/memory.js';
import { seedBenchMembers } from './seed.js';
import { warmUp } from '../src/assistant/offline/nlu/index.js';

export interface BenchPipeline {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  users: string[];
  note: string;
  /** The in-memory state port, to watch its size under load. */
  state: MemoryState;
  close(): void;
}

/**
 * createDeps + createApp with in-memory state and the offline brain (the config is built here, not
 * read from process.env, so an OPENAI_API_KEY in the shell cannot switch brains), an info-level
 * logger, and the per-member rate limit out of the way. Differences from `npm start`, both
 * deliberate: bench members instead of the demo seed, and no scheduler (its jobs run once while
 * seeding, so its first tick does not land inside a measurement).
 */
export async function createBenchPipeline(options: {
  members: number;
  fetch?: typeof fetch;
  stateMaxKeys?: number;
}): Promise<BenchPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'ma-bench-'));
  const config = parseEnv({
    NODE_ENV: 'production',
    // The load speaks Emulator activities without tokens, as the stock echo bot receives them.
    BOT_ALLOW_UNAUTHENTICATED: 'true',
    DATABASE_URL: `file:${join(dir, 'store.db')}`,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    ADMIN_TOKEN: 'bench-admin-token',
    ORDER_WEBHOOK_SECRET: 'bench-order-secret',
    WEBCHAT_SECRET: 'bench-webchat-secret',
  });
  const store = await openNodeStore(config.DATABASE_URL);
  await migrateStore(store);
  const state = new MemoryState(Date.now, { maxKeys: options.stateMaxKeys ?? config.STATE_MAX_KEYS });
  const deps = createDeps({
    config,
    store,
    state,
    log: createLogger(config.LOG_LEVEL),
    fetch: options.fetch,
    // As `npm start` does; a test fetch (bench/trace.ts) replaces it.
    http: options.fetch ? undefined : nodeHttpClient(),
  });
  const seeded = await seedBenchMembers(deps.domain, options.members);
  warmUp(); // as `npm start` does before listening
  return {
    app: createApp(deps),
    deps,
    users: seeded.users,
    state,
    note: `${seeded.users.length} linked members, ${seeded.orders} paid orders, ${seeded.coupons} redeemed coupons`,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
