// Applies the committed drizzle-kit migrations (db/migrations) to a store, from Node.
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { isBusyError, type Store } from './client.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/**
 * Idempotent: drizzle records applied migrations in __drizzle_migrations. Migrations run outside group
 * commit, so a database locked by another process (a second instance starting) is waited out here.
 */
export async function migrateStore(store: Store, busyTimeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(store.db, { migrationsFolder: MIGRATIONS_FOLDER });
      return;
    } catch (err) {
      if (!isBusyError(err) || Date.now() - started > busyTimeoutMs) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 20 * 2 ** attempt)));
    }
  }
}
