// A lean libSQL client for local files on Node: the same engine (the `libsql` binding) with cached statements.
import { closeSync, fstatSync, fsync, openSync, statSync } from 'node:fs';
import Database from 'libsql';
import type { Client, InArgs, InStatement, InValue, ResultSet, Row, Transaction, TransactionMode } from '@libsql/client';

type Statement = Database.Statement;

interface Prepared {
  stmt: Statement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  /** Builds a row the way @libsql/client shapes them: named enumerable fields, non-enumerable indices. */
  Row: (new (values: unknown[]) => Record<string, unknown>) | null;
  /** Per column, the field name it sets on a row, or null (a repeated name, "length" or a number: indices stay the row's own). */
  fields: (string | null)[];
  /**
   * A query that returns at most one row: it ends in `limit 1`, or in `limit ?` whose value (the last positional
   * argument) is 1. Those run with the binding's `get()`, which costs a fraction of `all()` (no row iterator).
   */
  single: 'always' | 'if-last-arg-is-1' | null;
}

const LIMIT_1 = /\blimit\s+1\s*$/i;
const LIMIT_PARAM = /\blimit\s+\?\s*$/i;
/** Numbered or named parameters: then the last `?` is not necessarily the last argument. */
const NOT_PLAIN_PARAMS = /\?\d|[:@$][A-Za-z_]/;

function singleRow(sql: string): Prepared['single'] {
  if (LIMIT_1.test(sql)) return 'always';
  if (LIMIT_PARAM.test(sql) && !NOT_PLAIN_PARAMS.test(sql)) return 'if-last-arg-is-1';
  return null;
}

/** Statements kept prepared per connection; the app issues a few dozen distinct ones. */
const STATEMENT_CACHE_SIZE = 512;

/** A FIFO-evicting cache of prepared statements for one connection. */
class Connection {
  private readonly cache = new Map<string, Prepared>();

  constructor(readonly db: Database.Database) {}

  prepare(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    const stmt = this.db.prepare(sql);
    const reader = stmt.reader;
    let columns: string[] = [];
    let columnTypes: string[] = [];
    let Row: Prepared['Row'] = null;
    if (reader) {
      stmt.raw(true);
      const cols = stmt.columns() as { name: string; type: string | null }[];
      columns = cols.map((c) => c.name);
      columnTypes = cols.map((c) => c.type ?? '');
      Row = rowClass(columns.length);
    }
    const fields = columns.map((name, i) => (name === 'length' || /^\d+$/.test(name) || columns.indexOf(name) < i ? null : name));
    const prepared = { stmt, reader, columns, columnTypes, Row, fields, single: reader ? singleRow(sql) : null };
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sql, prepared);
    return prepared;
  }

  execute(input: InStatement, extraArgs?: InArgs): ResultSet {
    const sql = typeof input === 'string' ? input : input.sql;
    const rawArgs = typeof input === 'string' ? extraArgs : input.args;
    const p = this.prepare(sql);
    const args = toSqlArgs(rawArgs);
    if (p.reader) {
      if (p.single === 'always' || (p.single && Array.isArray(args) && args[args.length - 1] === 1)) {
        const one = (args === undefined ? p.stmt.get() : p.stmt.get(args)) as unknown[] | undefined | null;
        return resultSet(p.columns, p.columnTypes, one ? [makeRow(p, one)] : [], 0, undefined);
      }
      const values = (args === undefined ? p.stmt.all() : p.stmt.all(args)) as unknown[][];
      const rows = values.map((v) => makeRow(p, v));
      return resultSet(p.columns, p.columnTypes, rows, 0, undefined);
    }
    const info = (args === undefined ? p.stmt.run() : p.stmt.run(args)) as { changes: number; lastInsertRowid: number | bigint };
    return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
  }
}

/** Holds a row's values in a private field: not a key, not enumerable, not copied by spread. */
class RowBase {
  #values: unknown[];
  constructor(values: unknown[]) {
    this.#values = values;
  }
  static at(row: RowBase, i: number): unknown {
    return row.#values[i];
  }
}

/** A row class per statement: index getters and `length` on its prototype, shared by every row. */
function rowClass(width: number): new (values: unknown[]) => Record<string, unknown> {
  class StatementRow extends RowBase {}
  const descriptors: PropertyDescriptorMap = { length: { value: width, enumerable: false } };
  for (let i = 0; i < width; i++) {
    descriptors[i] = {
      enumerable: false,
      get(this: RowBase) {
        return RowBase.at(this, i);
      },
    };
  }
  Object.defineProperties(StatementRow.prototype, descriptors);
  return StatementRow as unknown as new (
    values: unknown[],
  ) => Record<string, unknown>;
}

function makeRow(p: Prepared, values: unknown[]): Row {
  const row = new (p.Row as NonNullable<Prepared['Row']>)(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Buffer) values[i] = fromSql(v);
    // First column of a name wins (joins repeat names); "length" and indices stay the row's own.
    const name = p.fields[i];
    if (name !== null) row[name] = values[i];
  }
  return row as unknown as Row;
}

function fromSql(v: unknown): unknown {
  // Blobs come back as ArrayBuffer, as @libsql/client returns them (drizzle turns them into Buffers).
  if (v instanceof Buffer) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
  return v;
}

function toSql(value: InValue): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function toSqlArgs(args: InArgs | undefined): unknown[] | Record<string, unknown> | undefined {
  if (args === undefined) return undefined;
  if (Array.isArray(args)) return args.length ? args.map(toSql) : undefined;
  const named: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) named[k[0] === '@' || k[0] === '$' || k[0] === ':' ? k.slice(1) : k] = toSql(v);
  return named;
}

/** A result shaped as @libsql/client's; `toJSON` lives on the prototype, not as a closure made per statement. */
class LocalResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((r) => Array.from(r as ArrayLike<unknown>)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid?.toString() ?? null,
    };
  }
}

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return new LocalResultSet(columns, columnTypes, rows, rowsAffected, lastInsertRowid);
}

/**
 * Makes the writer's commits durable off the event loop. The writer runs with `synchronous = NORMAL`, so a COMMIT
 * appends to the WAL without waiting for the disk; the WAL is then fsynced here, on libuv's thread pool, and only
 * after that does the commit's caller hear back. What a caller is told is done is as durable as with
 * `synchronous = FULL` (which syncs the same file inside COMMIT), but the event loop keeps serving other turns
 * while the disk works, where FULL blocked it for every commit. Checkpoints still sync as SQLite does them.
 */
class WalSync {
  private fd: number | null = null;
  private ino = -1;
  /** Descriptors of a WAL file that was replaced: kept open (a sync may still be using one) until close. */
  private retired: number[] = [];

  constructor(private readonly path: string) {}

  /** A descriptor of the file holding the latest commits: the WAL, or the database itself if it has no WAL. */
  private handle(): number {
    const wal = `${this.path}-wal`;
    const walStat = statSync(wal, { throwIfNoEntry: false });
    const target = walStat ? wal : this.path;
    const st = walStat ?? statSync(this.path);
    if (this.fd === null || st.ino !== this.ino) {
      if (this.fd !== null) this.retired.push(this.fd);
      this.fd = openSync(target, 'r+');
      this.ino = fstatSync(this.fd).ino;
    }
    return this.fd;
  }

  sync(): Promise<void> {
    if (this.path === '' || this.path === ':memory:') return Promise.resolve(); // nothing on disk to sync
    let fd: number;
    try {
      fd = this.handle();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    for (const fd of [...this.retired, ...(this.fd === null ? [] : [this.fd])]) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.fd = null;
    this.retired = [];
  }
}

const BEGIN: Record<TransactionMode, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY', deferred: 'BEGIN DEFERRED' };

/**
 * Why not @libsql/client's own file client: it prepares every statement anew and shapes every row with
 * Object.defineProperty per column, which made SQL the largest cost of a chat turn. This client keeps the
 * same engine and the same result shapes, with two connections: a writer owned by one transaction or
 * write at a time (queued, never interleaved), which also serves reads while it has no transaction open,
 * and a reader for reads while it has, which in WAL mode sees only committed data, never a transaction in
 * flight.
 *
 * Integers come back as JS numbers: the store's integers (cents, points, epoch ms) are far below 2^53.
 */
export function createLocalClient(path: string, options: { busyTimeoutMs?: number } = {}): Client {
  const open = () => new Connection(new Database(path, { timeout: options.busyTimeoutMs ?? 5000 }));
  const writer = open();
  writer.db.exec('PRAGMA journal_mode = WAL');
  // Commits are synced by `durable` below, off the event loop (see WalSync); checkpoints sync as usual.
  writer.db.exec('PRAGMA synchronous = NORMAL');
  const wal = new WalSync(path);
  /** Resolves once what the writer has committed so far is on disk. */
  const durable = <T>(value: T): Promise<T> => wal.sync().then(() => value);
  const reader = open();
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` with the writer to itself; the next user waits until `fn` has settled. */
  const withWriter = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  const check = () => {
    if (closed) throw new Error('The client is closed');
  };

  const inTransaction = async <T>(mode: TransactionMode, fn: () => T): Promise<T> =>
    durable(
      await withWriter(() => {
        writer.execute(BEGIN[mode]);
        try {
          const out = fn();
          writer.execute('COMMIT');
          return out;
        } catch (err) {
          if (writer.db.inTransaction) writer.execute('ROLLBACK');
          throw err;
        }
      }),
    );

  const client = {
    protocol: 'file' as const,
    get closed() {
      return closed;
    },
    async execute(stmt: InStatement, args?: InArgs): Promise<ResultSet> {
      check();
      const sql = typeof stmt === 'string' ? stmt : stmt.sql;
      if (reader.prepare(sql).reader) {
        // A read runs on the writer whenever it has no transaction open (it then sees exactly what the reader
        // would: committed data). In WAL mode a connection drops its whole page cache when it starts reading
        // after another connection's commit, so the reader reloaded every page after each group commit; the
        // writer's cache survives its own commits. Mid-transaction, reads go to the reader as before.
        return (writer.db.inTransaction ? reader : writer).execute(stmt, args);
      }
      return durable(await withWriter(() => writer.execute(stmt, args)));
    },
    async batch(stmts: (InStatement | [string, InArgs?])[], mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
      check();
      return inTransaction(mode, () => stmts.map((s) => (Array.isArray(s) ? writer.execute(s[0], s[1]) : writer.execute(s))));
    },
    async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
      check();
      const out = await withWriter(() => {
        writer.execute('PRAGMA foreign_keys = off');
        try {
          writer.execute('BEGIN IMMEDIATE');
          try {
            const out = stmts.map((s) => writer.execute(s));
            writer.execute('COMMIT');
            return out;
          } catch (err) {
            if (writer.db.inTransaction) writer.execute('ROLLBACK');
            throw err;
          }
        } finally {
          writer.execute('PRAGMA foreign_keys = on');
        }
      });
      return durable(out);
    },
    async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
      check();
      let release!: () => void;
      const done = new Promise<void>((r) => {
        release = r;
      });
      // The writer is this transaction's until it commits, rolls back or closes. A BEGIN that fails
      // (SQLITE_BUSY: another process holds the write lock past the busy timeout) rejects the caller and
      // frees the writer at once; it must never leave the caller waiting on a transaction that never started.
      await new Promise<void>((started, failed) => {
        void withWriter(() => {
          try {
            writer.execute(BEGIN[mode]);
          } catch (err) {
            failed(err);
            return;
          }
          started();
          return done;
        });
      });
      let open = true;
      const finish = (sql?: string) => {
        if (!open) return;
        open = false;
        try {
          if (sql && writer.db.inTransaction) writer.execute(sql);
        } finally {
          release();
        }
      };
      const tx = {
        async execute(stmt: InStatement, args?: InArgs) {
          if (!open) throw new Error('The transaction is closed');
          return writer.execute(stmt, args);
        },
        async batch(stmts: InStatement[]) {
          if (!open) throw new Error('The transaction is closed');
          return stmts.map((s) => writer.execute(s));
        },
        async executeMultiple(sql: string) {
          if (!open) throw new Error('The transaction is closed');
          writer.db.exec(sql);
        },
        async commit() {
          // The writer is free for the next transaction at once; this caller hears back once the commit is on disk.
          finish('COMMIT');
          await wal.sync();
        },
        async rollback() {
          finish('ROLLBACK');
        },
        close() {
          finish('ROLLBACK');
        },
        get closed() {
          return !open;
        },
      };
      return tx as unknown as Transaction;
    },
    async executeMultiple(sql: string): Promise<void> {
      check();
      await withWriter(() => writer.db.exec(sql));
      await wal.sync();
    },
    async sync() {
      return undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      reader.db.close();
      writer.db.close();
      wal.close();
    },
  };
  return client as unknown as Client;
}
