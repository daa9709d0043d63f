// Test support: the real app on a fresh store, with a pinned clock and in-memory state.
import { createApp } from '../../src/app.js';
import type { Brain } from '../../src/assistant/types.js';
import type { BusyRetryOptions } from '../../src/db/client.js';
import { createDeps, type AppDeps } from '../../src/deps.js';
import { parseEnv } from '../../src/env.js';
import { type Logger, silentLogger } from '../../src/lib/log.js';
import type { Clock } from '../../src/lib/time.js';
import { MemoryState } from '../../src/state/memory.js';
import type { StatePort } from '../../src/state/port.js';
import { createTestStore, type TestStore } from './store.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token';
export const TEST_ORDER_SECRET = 'test-order-secret';
export const TEST_WEBCHAT_SECRET = 'test-webchat-secret';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  store: TestStore;
  close(): void;
}

/** A full app (every route, offline brain) on a new migrated libSQL file. */
export async function createTestApp(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    state?: StatePort;
    fetch?: typeof fetch;
    demoMemberIds?: string[];
    /** Another brain (e.g. one that waits, to test races); the offline brain by default. */
    brain?: Brain;
    /** The app's logger; silent by default (the log privacy test passes a real one). */
    log?: Logger;
    /** How the store waits out a locked database (tests/faults/db-busy.test.ts). */
    storeOptions?: BusyRetryOptions;
  } = {},
): Promise<TestApp> {
  const store = await createTestStore(options.storeOptions);
  const config = parseEnv({
    NODE_ENV: 'test',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ORDER_WEBHOOK_SECRET: TEST_ORDER_SECRET,
    WEBCHAT_SECRET: TEST_WEBCHAT_SECRET,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = createDeps({
    config,
    store,
    state: options.state ?? new MemoryState(),
    clock: options.clock,
    log: options.log ?? silentLogger,
    fetch: options.fetch,
    demoMemberIds: options.demoMemberIds,
    brain: options.brain,
  });
  return { app: createApp(deps), deps, store, close: () => store.dispose() };
}
