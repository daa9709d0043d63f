// The lean local client against @libsql/client on the same file: same results, isolation of reads from open transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalClient } from '../../src/db/local-client.js';

let dir: string;
let local: Client;
let reference: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ma-local-client-'));
  const path = join(dir, 'x.db');
  local = createLocalClient(path);
  await local.executeMultiple(`
    create table a (id integer primary key, name text, big integer, data blob);
    create table b (id integer primary key, a_id integer, name text);
    insert into a values (1, 'one', 1733011200000, x'00ff'), (2, 'two', null, null);
    insert into b values (10, 1, 'b-one');`);
  reference = createClient({ url: `file:${path}` });
});
afterAll(() => {
  local.close();
  reference.close();
  rmSync(dir, { recursive: true, force: true });
});

const shape = (rows: ArrayLike<unknown>[]) => rows.map((r) => ({ keys: Object.keys(r), values: Array.from(r), entries: { ...r } }));

describe('local libSQL client', () => {
  it('returns rows shaped exactly like @libsql/client: named fields, array-like values, first of repeated names', async () => {
    for (const sql of [
      'select * from a order by id',
      'select a.id, b.id, b.name from a join b on b.a_id = a.id',
      'select count(*), sum(big) from a',
      // At most one row: read with the binding's get() instead of all(), same shape.
      'select * from a order by id limit 1',
      'select * from a where id = 99 limit 1',
      'select a.id, b.id, b.name from a join b on b.a_id = a.id limit 1',
    ]) {
      const [mine, theirs] = await Promise.all([local.execute(sql), reference.execute(sql)]);
      expect(mine.columns).toEqual(theirs.columns);
      expect(shape(mine.rows)).toEqual(shape(theirs.rows));
    }
  });

  it('binds positional and named arguments, dates, booleans; reports changes and row ids', async () => {
    const r = await local.execute({ sql: 'insert into a (name, big) values (?, ?)', args: ['three', new Date(5)] });
    expect(r.rowsAffected).toBe(1);
    expect(r.lastInsertRowid).toBe(3n);
    const named = await local.execute({ sql: 'select name, big from a where id = :id or big = $b', args: { id: 3, $b: true } });
    expect(named.rows.map((x) => [x.name, x.big])).toEqual([['three', 5]]);
    await expect(local.execute({ sql: 'select ?', args: [Number.NaN] })).rejects.toThrow(RangeError);
    // `limit ?` bound to 1 reads one row; bound to more, all of them.
    for (const [sql, args] of [
      ['select id, name from a where id >= ? order by id limit ?', [1, 1]],
      ['select id, name from a where id >= ? order by id limit ?', [1, 2]],
      ['select id, name from a where id >= ?1 order by id limit ?2', [1, 1]],
      ['select id, data from a where id > ? order by id limit ?', [99, 1]],
    ] as const) {
      const [mine, theirs] = await Promise.all([local.execute({ sql, args: [...args] }), reference.execute({ sql, args: [...args] })]);
      expect(shape(mine.rows)).toEqual(shape(theirs.rows));
    }
  });

  it('keeps an open transaction invisible to other reads and discards it on rollback', async () => {
    const tx = await local.transaction('write');
    await tx.execute("insert into a (id, name) values (100, 'pending')");
    expect((await tx.execute('select count(*) as n from a where id = 100')).rows[0].n).toBe(1);
    expect((await local.execute('select count(*) as n from a where id = 100')).rows[0].n).toBe(0);
    await tx.rollback();
    expect((await local.execute('select count(*) as n from a where id = 100')).rows[0].n).toBe(0);
  });

  it('queues writes behind an open transaction instead of joining it', async () => {
    const tx = await local.transaction('write');
    await tx.execute("insert into a (id, name) values (200, 'in tx')");
    const outside = local.execute("insert into a (id, name) values (201, 'outside')");
    await tx.rollback();
    await outside;
    const ids = (await local.execute('select id from a where id >= 200 order by id')).rows.map((r) => r.id);
    expect(ids).toEqual([201]);
  });

  it('runs a batch atomically', async () => {
    await expect(
      local.batch(["insert into a (id, name) values (300, 'x')", "insert into a (id, name) values (300, 'dup')"], 'write'),
    ).rejects.toThrow();
    expect((await local.execute('select count(*) as n from a where id = 300')).rows[0].n).toBe(0);
  });
});
