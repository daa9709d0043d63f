// Test support: a fresh, migrated libSQL file per test file (a real engine, not a mock).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusyRetryOptions, Store } from '../../src/db/client.js';
import { openNodeStore } from '../../src/db/open-node.js';
import { migrateStore } from '../../src/db/migrate.js';

export interface TestStore extends Store {
  dir: string;
  url: string;
  dispose(): void;
}

/** Opens a migrated store in a new temp directory; call dispose() in afterAll. */
export async function createTestStore(options: BusyRetryOptions = {}): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ma-test-'));
  const url = `file:${join(dir, 'store.db')}`;
  const store = await openNodeStore(url, undefined, options);
  await migrateStore(store);
  return {
    ...store,
    dir,
    url,
    dispose() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
