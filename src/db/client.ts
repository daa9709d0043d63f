// The member store client: drizzle over libSQL, with writes serialized per process for local files.
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema/index.js';
import { KeyedMutex } from '../lib/mutex.js';

export type Db = LibSQLDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Store {
  db: Db;
  client: Client;
  /**
   * Runs `fn` in a write transaction. A local libSQL file has one writer at a time and the Node
   * binding blocks the event loop while it waits for a lock, so writes from this process queue here
   * instead of colliding; across processes (or on Turso) the database itself serializes them.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Opens the store. Every write must go through `write()`: a bare write on another pooled connection
 * while this process holds the write lock would block the event loop until the busy timeout.
 */
export async function openStore(url: string, authToken?: string): Promise<Store> {
  // `timeout` is the busy timeout of every pooled connection (a PRAGMA would reach only one of them).
  const client = createClient({ url, authToken, timeout: 5000 });
  // WAL is a property of the file: set once, readers then never wait for the writer.
  if (url.startsWith('file:')) await client.execute('PRAGMA journal_mode = WAL');
  const db = drizzle(client, { schema });
  const mutex = new KeyedMutex();
  return {
    db,
    client,
    // drizzle's libSQL driver opens every transaction with `client.transaction('write')` whatever `behavior`
    // says: BEGIN IMMEDIATE on a file, and on a remote URL (Turso, Hrana over HTTP) an interactive stream whose
    // first request carries BEGIN IMMEDIATE and whose baton ties later statements to it. Both take the write
    // lock before the first read, which is what makes check-then-write verbs (redeem) safe. The mutex also
    // stays for remote URLs: one process (or Worker isolate) queues its own writers instead of making the
    // server hold several open write streams, and across processes the server serializes them.
    write: (fn) => mutex.run('write', () => db.transaction(fn, { behavior: 'immediate' })),
    close: () => client.close(),
  };
}
