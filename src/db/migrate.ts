// Applies the committed drizzle-kit migrations (db/migrations) to a store, from Node.
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Store } from './client.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** Idempotent: drizzle records applied migrations in __drizzle_migrations. */
export async function migrateStore(store: Store): Promise<void> {
  await migrate(store.db, { migrationsFolder: MIGRATIONS_FOLDER });
}
