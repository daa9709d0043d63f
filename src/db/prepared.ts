// Hot queries prepared once: drizzle's query builder costs several times the query itself on a chat turn.
import type { InStatement, ResultSet } from '@libsql/client';
import { type Column, getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from './client.js';

const CACHE = new WeakMap<object, Map<string, unknown>>();

interface Executable<R> {
  execute(params?: Record<string, unknown>): Promise<R>;
}

/**
 * Runs a query built with `sql.placeholder` parameters. On the root database it is built and prepared
 * once (per database, per key) and reused; inside a transaction it is built on the transaction, since a
 * prepared query stays bound to the connection it was prepared on.
 */
export function runPrepared<R>(
  db: Db | Tx,
  key: string,
  build: (db: Db | Tx) => Executable<R>,
  params: Record<string, unknown>,
): Promise<R> {
  if (db instanceof SQLiteTransaction) return build(db).execute(params);
  let byKey = CACHE.get(db);
  if (!byKey) CACHE.set(db, (byKey = new Map()));
  let q = byKey.get(key) as Executable<R> | undefined;
  if (!q) byKey.set(key, (q = build(db)));
  return q.execute(params);
}

/**
 * Runs fixed SQL text with positional arguments on the connection behind a drizzle database or
 * transaction, skipping the query builder. For a few statements on the hot path whose SQL is written
 * out by hand; everything else uses drizzle.
 */
export function executeSql(db: Db | Tx, stmt: InStatement): Promise<ResultSet> {
  const session = (db as unknown as { session?: { tx?: RawExecutor; client?: RawExecutor } }).session;
  const target = session?.tx ?? session?.client;
  // Guards a drizzle upgrade that moves these internals: the tests fail here instead of misbehaving.
  if (!target || typeof target.execute !== 'function') throw new Error('executeSql needs drizzle-orm/libsql with a session client');
  return target.execute(stmt);
}

interface RawExecutor {
  execute(stmt: InStatement): Promise<ResultSet>;
}

/**
 * Fixed SQL that reads whole rows of one table, decoded by the schema's own columns (what drizzle's row mapping
 * does, without its generic walk over the selection per row). For the few reads every chat turn makes; the column
 * list comes from the schema, so it stays in step with db/schema.
 */
export function wholeRows<T extends Table>(table: T) {
  const columns = Object.entries(getTableColumns(table)) as [string, Column][];
  const name = getTableName(table);
  return {
    /** How many columns `select` lists (where the next table's columns start in a join). */
    width: columns.length,
    /** `"table"."col", ...` in the schema's order, for a `select` of every column. */
    select: columns.map(([, c]) => `"${name}"."${c.name}"`).join(', '),
    /** One row of that select as the table's row type; `at`: where its columns start (a join selects several tables). */
    decode(row: ArrayLike<unknown>, at = 0): T['$inferSelect'] {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const [key, column] = columns[i];
        const value = row[at + i];
        out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return out as T['$inferSelect'];
    },
  };
}
