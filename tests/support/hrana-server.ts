// A local libSQL remote server: Hrana over HTTP (v2/v3 pipeline, v3 cursor) on a real SQLite file via @libsql/client.
import { randomBytes } from 'node:crypto';
import { createClient, type Client, type InStatement, type InValue, type ResultSet, type Transaction } from '@libsql/client';
import { Hono, type Context } from 'hono';
import { startServer, type RunningServer } from './server.js';

/** Hrana JSON values: integers travel as strings (64-bit), floats as numbers, blobs as base64. */
type HValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };
interface HStmt {
  sql?: string;
  sql_id?: number;
  args?: HValue[];
  named_args?: { name: string; value: HValue }[];
  want_rows?: boolean;
}
type HCond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: HCond }
  | { type: 'and' | 'or'; conds: HCond[] }
  | { type: 'is_autocommit' };
interface HBatch {
  steps: { condition?: HCond | null; stmt: HStmt }[];
}
interface HError {
  message: string;
  code?: string;
}
interface StmtResult {
  cols: { name: string | null; decltype: string | null }[];
  rows: HValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
  rows_read: number;
  rows_written: number;
  query_duration_ms: number;
}

class HranaError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function toHError(err: unknown): HError {
  if (err instanceof HranaError) return { message: err.message, code: err.code };
  const e = err as { message?: string; code?: string };
  return { message: e?.message ?? String(err), code: typeof e?.code === 'string' ? e.code : 'UNKNOWN' };
}

function decodeValue(v: HValue): InValue {
  switch (v.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(v.value);
    case 'float':
      return v.value;
    case 'text':
      return v.value;
    case 'blob': {
      const b = Buffer.from(v.base64, 'base64');
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }
    default:
      throw new HranaError(`unknown value type ${(v as { type: string }).type}`, 'HRANA_PROTO_ERROR');
  }
}

function encodeValue(v: unknown): HValue {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof ArrayBuffer) return { type: 'blob', base64: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) return { type: 'blob', base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  return { type: 'text', value: String(v) };
}

/** First keyword of a statement, past whitespace and comments. */
function keyword(sql: string): string {
  const s = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z]+/.exec(s)?.[0] ?? '').toUpperCase();
}
const READ_ONLY = new Set(['SELECT', 'EXPLAIN', 'VALUES']);
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);

/** One writer at a time across streams, waited for asynchronously (the SQLite binding would block the event loop). */
class WriterLock {
  private holder: object | null = null;
  private readonly queue: { owner: object; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  waits = 0;

  constructor(private readonly timeoutMs: number) {}

  acquire(owner: object): Promise<void> {
    if (this.holder === owner) return Promise.resolve();
    if (!this.holder) {
      this.holder = owner;
      return Promise.resolve();
    }
    this.waits += 1;
    return new Promise((resolve, reject) => {
      const entry = {
        owner,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(entry), 1);
          reject(new HranaError('database is locked', 'SQLITE_BUSY'));
        }, this.timeoutMs),
      };
      this.queue.push(entry);
    });
  }

  release(owner: object): void {
    if (this.holder !== owner) return;
    const next = this.queue.shift();
    this.holder = next?.owner ?? null;
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    }
  }

  holds(owner: object): boolean {
    return this.holder === owner;
  }
}

/** A Hrana stream is one SQLite connection: a client with a single pooled connection, and its open transaction. */
class Stream {
  client: Client | null = null;
  tx: Transaction | null = null;
  readonly sqls = new Map<number, string>();
  lastUsed = Date.now();
  closed = false;

  constructor(
    private readonly url: string,
    private readonly lock: WriterLock,
  ) {}

  private conn(): Client {
    // concurrency 1: every autocommit statement and the transaction share one connection, so connection
    // state (PRAGMA foreign_keys=off around a migration) holds for the whole stream, as on a real server.
    this.client ??= createClient({ url: this.url, intMode: 'bigint', concurrency: 1, timeout: 5000 });
    return this.client;
  }

  get autocommit(): boolean {
    return this.tx === null;
  }

  sqlOf(stmt: { sql?: string; sql_id?: number }): string {
    if (typeof stmt.sql === 'string') return stmt.sql;
    if (typeof stmt.sql_id === 'number') {
      const sql = this.sqls.get(stmt.sql_id);
      if (sql === undefined) throw new HranaError(`SQL text ${stmt.sql_id} is not stored on this stream`, 'SQL_NOT_FOUND');
      return sql;
    }
    throw new HranaError('statement has neither sql nor sql_id', 'HRANA_PROTO_ERROR');
  }

  async execute(h: HStmt): Promise<StmtResult> {
    const started = Date.now();
    const sql = this.sqlOf(h);
    const kw = keyword(sql);
    const args: InStatement = h.named_args?.length
      ? { sql, args: Object.fromEntries(h.named_args.map((a) => [a.name, decodeValue(a.value)])) }
      : { sql, args: (h.args ?? []).map(decodeValue) };
    const empty = (rs?: Partial<ResultSet>): StmtResult => toResult(rs ?? {}, h.want_rows !== false, started);

    if (kw === 'BEGIN') {
      if (this.tx) throw new HranaError('cannot start a transaction within a transaction', 'SQLITE_ERROR');
      const mode = /\b(IMMEDIATE|EXCLUSIVE)\b/i.test(sql) ? 'write' : /\bREADONLY\b/i.test(sql) ? 'read' : 'deferred';
      if (mode === 'write') await this.lock.acquire(this);
      try {
        this.tx = await this.conn().transaction(mode);
      } catch (err) {
        this.lock.release(this);
        throw err;
      }
      return empty();
    }
    if (kw === 'COMMIT' || kw === 'END') {
      if (!this.tx) throw new HranaError('cannot commit - no transaction is active', 'SQLITE_ERROR');
      const tx = this.tx;
      this.tx = null;
      try {
        await tx.commit();
      } finally {
        this.lock.release(this);
      }
      return empty();
    }
    if (kw === 'ROLLBACK' && !/^\s*ROLLBACK\s+(TRANSACTION\s+)?TO\b/i.test(sql.trimStart())) {
      if (!this.tx) throw new HranaError('cannot rollback - no transaction is active', 'SQLITE_ERROR');
      const tx = this.tx;
      this.tx = null;
      try {
        await tx.rollback();
      } finally {
        this.lock.release(this);
      }
      return empty();
    }
    if (kw === 'SAVEPOINT' && !this.tx) {
      throw new HranaError('SAVEPOINT outside a transaction is not supported by this server; BEGIN first', 'SQLITE_ERROR');
    }

    const writes = !READ_ONLY.has(kw);
    const lockedHere = writes && !this.lock.holds(this);
    if (lockedHere) await this.lock.acquire(this);
    try {
      const run = (s: InStatement) => (this.tx ? this.tx.execute(s) : this.conn().execute(s));
      const rs = await run(args);
      let affected = rs.rowsAffected;
      let lastId = rs.lastInsertRowid;
      // The file client reports no counts for statements that return rows (INSERT ... RETURNING); a remote
      // server does, and callers may rely on them.
      if (DML.has(kw) && rs.columns.length > 0) {
        const c = await run('SELECT changes(), last_insert_rowid()');
        affected = Number(c.rows[0][0]);
        lastId = BigInt(c.rows[0][1] as bigint);
      }
      return toResult(
        { ...rs, columns: rs.columns, columnTypes: rs.columnTypes, rows: rs.rows, rowsAffected: affected, lastInsertRowid: lastId },
        h.want_rows !== false,
        started,
      );
    } finally {
      if (this.tx?.closed) {
        // The statement ended the transaction itself (RELEASE of the outermost savepoint, RAISE(ROLLBACK)).
        this.tx.close();
        this.tx = null;
      }
      if (!this.tx && (lockedHere || this.lock.holds(this))) this.lock.release(this);
    }
  }

  async sequence(sql: string): Promise<void> {
    if (this.tx) return this.tx.executeMultiple(sql);
    await this.lock.acquire(this);
    try {
      await this.conn().executeMultiple(sql);
    } finally {
      this.lock.release(this);
    }
  }

  async batch(batch: HBatch, onStep?: (i: number, r: StmtResult | null, e: HError | null) => void) {
    const results: (StmtResult | null)[] = [];
    const errors: (HError | null)[] = [];
    const holds = (c: HCond): boolean => {
      switch (c.type) {
        case 'ok':
          return results[c.step] != null;
        case 'error':
          return errors[c.step] != null;
        case 'not':
          return !holds(c.cond);
        case 'and':
          return c.conds.every(holds);
        case 'or':
          return c.conds.some(holds);
        case 'is_autocommit':
          return this.autocommit;
        default:
          throw new HranaError('unknown batch condition', 'HRANA_PROTO_ERROR');
      }
    };
    for (let i = 0; i < batch.steps.length; i++) {
      const step = batch.steps[i];
      results[i] = null;
      errors[i] = null;
      if (step.condition && !holds(step.condition)) continue;
      try {
        results[i] = await this.execute(step.stmt);
      } catch (err) {
        errors[i] = toHError(err);
      }
      onStep?.(i, results[i], errors[i]);
    }
    return { step_results: results, step_errors: errors };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.tx) await this.tx.rollback().catch(() => undefined);
    } finally {
      this.tx = null;
      this.lock.release(this);
      this.client?.close();
      this.client = null;
    }
  }
}

function toResult(rs: Partial<ResultSet>, wantRows: boolean, started: number): StmtResult {
  const columns = rs.columns ?? [];
  return {
    cols: columns.map((name, i) => ({ name, decltype: rs.columnTypes?.[i] || null })),
    rows: wantRows ? (rs.rows ?? []).map((row) => columns.map((_, i) => encodeValue(row[i]))) : [],
    affected_row_count: rs.rowsAffected ?? 0,
    last_insert_rowid: rs.lastInsertRowid !== undefined ? String(rs.lastInsertRowid) : null,
    rows_read: 0,
    rows_written: 0,
    query_duration_ms: Date.now() - started,
  };
}

export interface HranaServer extends RunningServer {
  /** The URL @libsql/client takes (`http://127.0.0.1:PORT`); `libsql://` would mean TLS. */
  url: string;
  /** The bearer token it requires (DATABASE_AUTH_TOKEN), or null when started without auth. */
  token: string | null;
  /** The SQLite file behind it. */
  file: string;
  stats: { pipelines: number; cursors: number; streamsOpened: number; lockWaits: number; unauthorized: number };
  /** Streams still open (an open transaction holds one). */
  openStreams(): number;
}

export interface HranaServerOptions {
  /** Require `Authorization: Bearer <token>` (Turso's JWT stands in as an opaque string). */
  token?: string | null;
  /** Idle streams are closed (and their transaction rolled back) after this long; sqld uses about 10 s. */
  streamIdleMs?: number;
  /** How long a statement waits for another stream's write transaction before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Serves the SQLite file at `file` (a path) over Hrana-over-HTTP. Streams are addressed by batons that change
 * with every response, as on sqld: a reused or unknown baton is refused, so a client that lost track is caught.
 */
export async function startHranaServer(file: string, options: HranaServerOptions = {}): Promise<HranaServer> {
  const url = `file:${file}`;
  const token = options.token === undefined ? `hrana-${randomBytes(12).toString('hex')}` : options.token;
  const lock = new WriterLock(options.busyTimeoutMs ?? 5000);
  const idleMs = options.streamIdleMs ?? 10_000;
  const streams = new Map<string, Stream>();
  const stats = { pipelines: 0, cursors: 0, streamsOpened: 0, lockWaits: 0, unauthorized: 0 };
  const base = createClient({ url });
  await base.execute('PRAGMA journal_mode = WAL');
  base.close();

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [baton, s] of streams) {
      if (now - s.lastUsed > idleMs) {
        streams.delete(baton);
        void s.close();
      }
    }
  }, 1000);
  sweeper.unref();

  const newBaton = () => randomBytes(16).toString('base64url');
  /** Takes the stream a baton names (consuming the baton), or opens one when there is no baton. */
  const takeStream = (baton: unknown): Stream => {
    if (baton === undefined || baton === null) {
      stats.streamsOpened += 1;
      return new Stream(url, lock);
    }
    const s = typeof baton === 'string' ? streams.get(baton) : undefined;
    if (!s) throw new HranaError('The stream for this baton has expired or the baton is invalid', 'STREAM_EXPIRED');
    streams.delete(baton as string);
    return s;
  };
  const giveBack = (s: Stream): string | null => {
    if (s.closed) return null;
    const b = newBaton();
    s.lastUsed = Date.now();
    streams.set(b, s);
    return b;
  };

  async function handle(s: Stream, req: { type: string; [k: string]: unknown }): Promise<Record<string, unknown>> {
    if (s.closed) throw new HranaError('stream is closed', 'STREAM_CLOSED');
    switch (req.type) {
      case 'execute':
        return { type: 'execute', result: await s.execute(req.stmt as HStmt) };
      case 'batch':
        return { type: 'batch', result: await s.batch(req.batch as HBatch) };
      case 'sequence':
        await s.sequence(s.sqlOf(req as { sql?: string; sql_id?: number }));
        return { type: 'sequence' };
      case 'store_sql':
        s.sqls.set(req.sql_id as number, req.sql as string);
        return { type: 'store_sql' };
      case 'close_sql':
        s.sqls.delete(req.sql_id as number);
        return { type: 'close_sql' };
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: s.autocommit };
      case 'close':
        await s.close();
        return { type: 'close' };
      case 'describe':
        throw new HranaError('describe is not supported by this server', 'NOT_SUPPORTED');
      default:
        throw new HranaError(`unknown request type ${req.type}`, 'HRANA_PROTO_ERROR');
    }
  }

  const app = new Hono();
  app.use('*', async (c, next) => {
    if (token && c.req.header('authorization') !== `Bearer ${token}`) {
      stats.unauthorized += 1;
      return c.json({ message: 'Authentication failed: missing or invalid token', code: 'AUTH_FAILED' }, 401);
    }
    await next();
  });
  app.get('/health', (c) => c.text('ok'));
  app.get('/v2', (c) => c.text('Hrana over HTTP v2'));
  app.get('/v3', (c) => c.text('Hrana over HTTP v3 (JSON)'));

  const pipeline = async (c: Context) => {
    stats.pipelines += 1;
    const body = (await c.req.json().catch(() => null)) as { baton?: string | null; requests?: unknown } | null;
    if (!body || !Array.isArray(body.requests))
      return c.json({ message: 'Body must be {baton, requests: [...]}', code: 'HRANA_PROTO_ERROR' }, 400);
    let s: Stream;
    try {
      s = takeStream(body.baton);
    } catch (err) {
      return c.json(toHError(err), 400);
    }
    const results: unknown[] = [];
    for (const req of body.requests as { type: string }[]) {
      try {
        results.push({ type: 'ok', response: await handle(s, req) });
      } catch (err) {
        results.push({ type: 'error', error: toHError(err) });
      }
    }
    stats.lockWaits = lock.waits;
    return c.json({ baton: giveBack(s), base_url: null, results });
  };
  app.post('/v2/pipeline', pipeline);
  app.post('/v3/pipeline', pipeline);

  // Cursors stream a batch's rows as newline-delimited JSON entries after a first line with the baton.
  app.post('/v3/cursor', async (c) => {
    stats.cursors += 1;
    const body = (await c.req.json().catch(() => null)) as { baton?: string | null; batch?: HBatch } | null;
    if (!body?.batch || !Array.isArray(body.batch.steps))
      return c.json({ message: 'Body must be {baton, batch}', code: 'HRANA_PROTO_ERROR' }, 400);
    let s: Stream;
    try {
      s = takeStream(body.baton);
    } catch (err) {
      return c.json(toHError(err), 400);
    }
    const lines: unknown[] = [];
    await s.batch(body.batch, (step, r, e) => {
      if (e) lines.push({ type: 'step_error', step, error: e });
      else if (r) {
        lines.push({ type: 'step_begin', step, cols: r.cols });
        for (const row of r.rows) lines.push({ type: 'row', row });
        lines.push({ type: 'step_end', affected_row_count: r.affected_row_count, last_insert_rowid: r.last_insert_rowid });
      }
    });
    const head = { baton: giveBack(s), base_url: null };
    return c.body([head, ...lines].map((l) => JSON.stringify(l)).join('\n') + '\n', 200, { 'content-type': 'text/plain' });
  });

  const server = await startServer(app.fetch);
  return {
    ...server,
    token,
    file,
    stats,
    openStreams: () => streams.size,
    async close() {
      clearInterval(sweeper);
      for (const s of streams.values()) await s.close();
      streams.clear();
      await server.close();
    },
  };
}
