// The member store client: drizzle over libSQL, with writes serialized per process for local files.
import { fullJitter } from '../lib/backoff.js';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { DomainError } from '../lib/errors.js';
import { executeSql } from './prepared.js';

/**
 * drizzle without a schema: the app writes queries with the query builder and never uses the relational `db.query`
 * API, which a schema would add, and for which drizzle builds a query builder per table on every transaction object
 * it creates (each group commit, each savepoint-nested transaction).
 */
export type Db = LibSQLDatabase;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Store {
  db: Db;
  client: Client;
  /**
   * Runs `fn` in a write transaction. A local libSQL file has one writer at a time and the Node
   * binding blocks the event loop while it waits for a lock, so writes from this process queue here
   * instead of colliding; across processes (or on Turso) the database itself serializes them.
   * Writes that queue up together share one transaction (group commit, see `GroupCommit`), each in a
   * savepoint of its own: a failing `fn` rolls back only its own work and rejects only its caller.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Opens the store. Every write must go through `write()`: a bare write on another pooled connection
 * while this process holds the write lock would block the event loop until the busy timeout.
 */
export async function openStore(url: string, authToken?: string, options: { client?: Client } & BusyRetryOptions = {}): Promise<Store> {
  // `timeout` is the busy timeout of every pooled connection (a PRAGMA would reach only one of them).
  const client = options.client ?? createClient({ url, authToken, timeout: ENGINE_BUSY_TIMEOUT_MS });
  // WAL is a property of the file: set once, readers then never wait for the writer.
  if (url.startsWith('file:') && !options.client) await client.execute('PRAGMA journal_mode = WAL');
  const db = drizzle(client);
  const group = new GroupCommit(db, options);
  return {
    db,
    client,
    // drizzle's libSQL driver opens every transaction with `client.transaction('write')` whatever `behavior`
    // says: BEGIN IMMEDIATE on a file, and on a remote URL (Turso, Hrana over HTTP) an interactive stream whose
    // first request carries BEGIN IMMEDIATE and whose baton ties later statements (and the savepoints of a
    // group) to it. Both take the write lock before the first read, which is what makes check-then-write verbs
    // (redeem) safe. Group commit also pays on remote URLs: one isolate or process holds one write stream at a
    // time, and each statement there is a round trip; across processes the server serializes writers.
    write: (fn) => group.write(fn),
    close: () => client.close(),
  };
}

/**
 * The engine's own busy wait per attempt. The Node binding blocks the event loop while it waits, so it is
 * kept short; the write then retries with backoff on timers (`GroupCommit`), which block nothing.
 */
export const ENGINE_BUSY_TIMEOUT_MS = 50;

/** How writes wait out a database locked by another process or connection. */
export interface BusyRetryOptions {
  /** Total time a write keeps retrying a busy or locked database before it fails (`DB_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
  /** Injectable for tests: the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** A write gave up on a database that stayed locked: nothing of it was applied; safe to try again later. */
export class StoreBusyError extends DomainError {
  constructor(readonly attempts: number) {
    super('unavailable', 'The store is busy; try again shortly');
    this.name = 'StoreBusyError';
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED from the local binding or @libsql/client, however deep drizzle wrapped it. */
export function isBusyError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (e instanceof Error && /database is locked|SQLITE_BUSY/.test(e.message)) return true;
  }
  return false;
}

/** setImmediate where it exists (Node, nodejs_compat), a zero timeout elsewhere. */
const defer: (fn: () => void) => void = typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const SAVEPOINT = 'savepoint group_write';
const RELEASE = 'release savepoint group_write';
const ROLLBACK_TO = 'rollback to savepoint group_write';

/** Most writes a batch takes, so one slow batch cannot hold a growing queue forever. */
const MAX_BATCH = 64;

/**
 * Group commit: one write transaction at a time; writes that arrive while one is running wait and then
 * go together in the next. A commit (with its WAL sync) costs far more than the statements of a typical
 * turn, so under load many turns share one. Each write runs in its own savepoint, in arrival order, so
 * it sees the writes before it exactly as if they had committed one by one; its caller hears back only
 * after the batch has committed (nothing is reported done that could still be lost).
 */
export class GroupCommit {
  private queue: PendingWrite[] = [];
  private running = false;
  private readonly busyTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: BusyRetryOptions = {},
  ) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs one transaction, retrying it while the database is busy or locked: exponential backoff with full
   * jitter (10 ms doubling to 250 ms), until `busyTimeoutMs` is spent. A busy transaction rolled back
   * whole (BEGIN IMMEDIATE takes the lock before any statement), so a retry never applies anything twice.
   */
  private async withBusyRetry<T>(run: () => Promise<T>): Promise<T> {
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (!isBusyError(err)) throw err;
        const delay = fullJitter(attempt, 10, 250, this.random);
        if (this.now() - started + delay >= this.busyTimeoutMs) throw new StoreBusyError(attempt);
        await this.sleep(delay);
      }
    }
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        // Start on the next turn of the event loop, not now: requests already waiting on their sockets
        // get to run up to their own writes first and join this batch. Idle, it costs one tick.
        this.running = true;
        defer(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: PendingWrite[]): Promise<void> {
    if (batch.length === 1) {
      // Alone: no savepoint needed, the transaction itself is the unit.
      const [only] = batch;
      try {
        only.resolve(await this.withBusyRetry(() => this.db.transaction(only.fn, { behavior: 'immediate' })));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    let outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      await this.withBusyRetry(() => {
        outcomes = [];
        return this.db.transaction(
          async (tx) => {
            // Savepoints by hand on the batch's one transaction object: drizzle's nested `tx.transaction` builds a
            // new transaction object (a relational query builder per table) for every write of every batch.
            // A write that opens its own nested transaction gets drizzle's savepoint inside this one.
            for (const w of batch) {
              await executeSql(tx, SAVEPOINT);
              try {
                const value = await w.fn(tx);
                await executeSql(tx, RELEASE);
                outcomes.push({ ok: true, value });
              } catch (err) {
                await executeSql(tx, ROLLBACK_TO);
                await executeSql(tx, RELEASE);
                outcomes.push({ ok: false, err });
              }
            }
          },
          { behavior: 'immediate' },
        );
      });
    } catch (err) {
      // The commit itself failed: nothing in the batch happened.
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  }
}
