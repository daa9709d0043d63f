// The member store over libSQL's remote protocol (Hrana over HTTP, as Turso serves it) on a real SQLite file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, pointsLedger } from '../../db/schema/index.js';
import { openStore, type Store } from '../../src/db/client.js';
import { migrateStore } from '../../src/db/migrate.js';
import { getPointsSummary, redeemCoupon } from '../../src/domain/loyalty/index.js';
import { DomainError } from '../../src/lib/errors.js';
import { addMember, domainCtx, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';

const run = promisify(execFile);

describe('member store on a remote libSQL server (Hrana over HTTP)', () => {
  let dir: string;
  let server: HranaServer;
  let store: Store;
  const clock = fixedClock('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ma-hrana-'));
    server = await startHranaServer(join(dir, 'remote.db'));
    store = await openStore(server.url, server.token ?? undefined);
    await migrateStore(store);
    await seedProgram(store);
  });
  afterAll(async () => {
    store?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the committed migrations through the remote URL (migrateStore) and they land in the SQLite file', async () => {
    const local = createClient({ url: `file:${server.file}` });
    const tables = await local.execute("select name from sqlite_master where type = 'table' and name = 'members'");
    local.close();
    expect(tables.rows).toHaveLength(1);
    // Idempotent: a second run applies nothing and does not fail.
    await migrateStore(store);
  });

  it('npm run db:migrate (drizzle-kit) applies migrations to a remote URL', async () => {
    const other = await startHranaServer(join(dir, 'kit.db'));
    try {
      await run('npx', ['drizzle-kit', 'migrate'], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: other.url, DATABASE_AUTH_TOKEN: other.token ?? '' },
        timeout: 60_000,
      });
      const local = createClient({ url: `file:${other.file}` });
      const applied = await local.execute('select count(*) as n from __drizzle_migrations');
      const tables = await local.execute("select name from sqlite_master where type = 'table' and name = 'points_ledger'");
      local.close();
      expect(Number(applied.rows[0].n)).toBeGreaterThan(0);
      expect(tables.rows).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('runs domain verbs: earned points come back from the remote store', async () => {
    const ctx = domainCtx(store, clock);
    await addMember(store, clock, { id: 'R1' });
    await paidOrder(ctx, 'R1', 'RO1', '1234.56', '2026-05-01T00:00:00Z');
    const summary = await getPointsSummary({ ctx, input: { memberId: 'R1' } });
    expect(summary.balance).toBe(1234);
  });

  it('store.write rolls back everything when the transaction fails midway', async () => {
    const before = await store.db.select({ n: sql<number>`count(*)` }).from(members);
    await expect(
      store.write(async (tx) => {
        await tx.insert(members).values({ id: 'GHOST', name: 'Ghost', locale: 'en', timeZone: 'UTC', createdAt: clock() });
        throw new Error('abort after the insert');
      }),
    ).rejects.toThrow('abort after the insert');
    const after = await store.db.select({ n: sql<number>`count(*)` }).from(members);
    expect(after[0].n).toBe(before[0].n);
    expect(server.openStreams()).toBe(0);
  });

  it('two stores (two isolates) redeeming concurrently never go below zero and never double a retried key', async () => {
    const second = await openStore(server.url, server.token ?? undefined);
    try {
      const a = domainCtx(store, clock);
      const b = domainCtx(second, clock);
      await addMember(store, clock, { id: 'R2' });
      await paidOrder(a, 'R2', 'RO2', '3000', '2026-05-01T00:00:00Z'); // 3,000 points = 6 x C5
      const results = await Promise.allSettled(
        Array.from({ length: 24 }, (_, i) =>
          redeemCoupon({ ctx: i % 2 ? a : b, input: { memberId: 'R2', couponId: 'C5', idempotencyKey: `r2-${i % 12}` } }),
        ),
      );
      const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof redeemCoupon>>> => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      // 12 distinct keys, each sent twice: 6 redemptions fit, each key is redeemed at most once.
      const fresh = ok.filter((r) => !r.value.replayed);
      expect(fresh).toHaveLength(6);
      expect(new Set(fresh.map((r) => r.value.memberCouponId)).size).toBe(6);
      expect(failed.every((f) => f.reason instanceof DomainError && f.reason.code === 'insufficient_points')).toBe(true);
      expect((await getPointsSummary({ ctx: b, input: { memberId: 'R2' } })).balance).toBe(0);
      const spent = await store.db
        .select({ n: sql<number>`count(*)` })
        .from(pointsLedger)
        .where(sql`${pointsLedger.memberId} = 'R2' and ${pointsLedger.kind} = 'redeem'`);
      expect(spent[0].n).toBe(6);
      // Write transactions from the two clients really overlapped and were queued by the server, not run in parallel.
      expect(server.stats.lockWaits).toBeGreaterThan(0);
    } finally {
      second.close();
    }
  });

  it('round-trips values exactly: 64-bit integers, floats, text, blobs, nulls, named arguments and RETURNING counts', async () => {
    const c = store.client;
    await c.execute('create table if not exists kinds (id integer primary key, i integer, f real, t text, b blob, n)');
    const big = 9_007_199_254_740_993n;
    const ins = await c.execute({
      sql: 'insert into kinds (i, f, t, b, n) values (:i, :f, :t, :b, :n) returning id',
      args: { i: big, f: 1.5, t: '积分 ✓', b: new Uint8Array([0, 255, 7]), n: null },
    });
    expect(ins.rowsAffected).toBe(1);
    expect(ins.rows).toHaveLength(1);
    const bigint = createClient({ url: server.url, authToken: server.token ?? undefined, intMode: 'bigint' });
    const rs = await bigint.execute({ sql: 'select i, f, t, b, n from kinds where id = ?', args: [ins.rows[0].id] });
    bigint.close();
    const row = rs.rows[0];
    expect(row.i).toBe(big);
    expect(row.f).toBe(1.5);
    expect(row.t).toBe('积分 ✓');
    expect([...new Uint8Array(row.b as ArrayBuffer)]).toEqual([0, 255, 7]);
    expect(row.n).toBeNull();
    expect(rs.columnTypes).toEqual(['INTEGER', 'REAL', 'TEXT', 'BLOB', '']);
    const upd = await c.execute({ sql: 'update kinds set f = f + 1 where id = ?', args: [ins.rows[0].id] });
    expect(upd.rowsAffected).toBe(1);
  });

  it('batches are atomic: a failing statement rolls back the ones before it', async () => {
    const c = store.client;
    await c.execute('create table if not exists uniq (k text primary key)');
    await expect(
      c.batch(
        [
          { sql: 'insert into uniq values (?)', args: ['a'] },
          { sql: 'insert into uniq values (?)', args: ['a'] },
        ],
        'write',
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) });
    expect((await c.execute('select count(*) as n from uniq')).rows[0].n).toBe(0);
  });

  it('refuses a wrong token and an expired baton', async () => {
    const bad = createClient({ url: server.url, authToken: 'wrong' });
    await expect(bad.execute('select 1')).rejects.toThrow(/401|Authentication/);
    bad.close();
    const res = await fetch(`${server.url}/v2/pipeline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ baton: 'not-a-baton', requests: [{ type: 'close' }] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('STREAM_EXPIRED');
  });

  it('speaks v3 too: get_autocommit, is_autocommit conditions and cursors', async () => {
    const h = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const stmt = (sqlText: string) => ({ sql: sqlText, args: [], named_args: [], want_rows: true });
    const first = await (
      await fetch(`${server.url}/v3/pipeline`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ requests: [{ type: 'execute', stmt: stmt('BEGIN') }, { type: 'get_autocommit' }] }),
      })
    ).json();
    expect(first.results[1].response.is_autocommit).toBe(false);
    const cursor = await fetch(`${server.url}/v3/cursor`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({
        baton: first.baton,
        batch: {
          steps: [
            { stmt: stmt('select 1 as one union all select 2') },
            { condition: { type: 'is_autocommit' }, stmt: stmt('select 3') },
            { stmt: stmt('select nope from nowhere') },
            { stmt: stmt('ROLLBACK') },
          ],
        },
      }),
    });
    const lines = (await cursor.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(typeof lines[0].baton).toBe('string');
    expect(lines.slice(1).map((l) => l.type)).toEqual(['step_begin', 'row', 'row', 'step_end', 'step_error', 'step_begin', 'step_end']);
    expect(lines[2].row).toEqual([{ type: 'integer', value: '1' }]);
    const closed = await (
      await fetch(`${server.url}/v3/pipeline`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ baton: lines[0].baton, requests: [{ type: 'close' }] }),
      })
    ).json();
    expect(closed.baton).toBeNull();
  });
});
