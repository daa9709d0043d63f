// recs:batch and eval:recs as a user runs them: separate processes on small CSV files written here.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let dir: string;

const PRODUCTS = [
  'product_id,name,category,brand,price',
  'A,Apple,Fruit,X,1.00',
  'B,Bread,Bakery,Y,2.50',
  'C,"Cheese, aged",Dairy,Z,9.90',
  'D,Dates,Fruit,X,4.00',
];
// m1 always buys A; m2 buys B twice; m3 bought A then C; m4 has one order (not evaluated).
const ORDERS = [
  'member_id,order_id,ordered_at,product_id,quantity,amount',
  'm1,o1,2024-01-01T10:00:00,A,1,1.00',
  'm1,o2,2024-01-02T10:00:00,A,1,1.00',
  'm1,o3,2024-01-03T10:00:00,A,1,1.00',
  'm2,o4,2024-01-01T11:00:00,B,1,2.50',
  'm2,o5,2024-01-04T11:00:00,B,1,2.50',
  'm3,o6,2024-01-02T12:00:00,A,1,1.00',
  'm3,o7,2024-01-05T12:00:00,C,1,9.90',
  'm4,o8,2024-01-01T13:00:00,D,1,4.00',
];

const tsx = (script: string, args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent' } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'recs-cli-'));
  writeFileSync(join(dir, 'products.csv'), `${PRODUCTS.join('\n')}\n`);
  writeFileSync(join(dir, 'orders.csv'), `${ORDERS.join('\n')}\n`);
  writeFileSync(join(dir, 'members.txt'), 'm1\nm2\n\nnobody\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recs:batch', () => {
  it('prints exactly one JSON line per member on stdout, k items best first, logs on stderr', async () => {
    const { stdout, stderr } = await tsx('scripts/recs-batch.ts', [
      '--orders',
      join(dir, 'orders.csv'),
      '--products',
      join(dir, 'products.csv'),
      '--members',
      join(dir, 'members.txt'),
      '--k',
      '2',
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const rows = lines.map((l) => JSON.parse(l) as { member_id: string; product_ids: string[] });
    expect(rows.map((r) => r.member_id)).toEqual(['m1', 'm2', 'nobody']);
    for (const r of rows) expect(r.product_ids).toHaveLength(2);
    expect(rows[0].product_ids[0]).toBe('A');
    expect(rows[1].product_ids[0]).toBe('B');
    // The documented spacing: {"member_id": "...", "product_ids": ["...", ...]}
    expect(lines[0]).toMatch(/^\{"member_id": "m1", "product_ids": \["A", "[A-D]"\]\}$/);
    expect(stderr).toContain('Imported 8 orders');
  }, 60_000);

  it('refuses a bad k with a message and a non-zero exit', async () => {
    await expect(
      tsx('scripts/recs-batch.ts', [
        '--orders',
        join(dir, 'orders.csv'),
        '--products',
        join(dir, 'products.csv'),
        '--members',
        join(dir, 'members.txt'),
        '--k',
        '0',
      ]),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--k must be') });
  }, 60_000);
});

describe('eval:recs', () => {
  it('holds out each member’s latest order and prints the method beside the three baselines', async () => {
    const { stdout } = await tsx('scripts/eval-recs.ts', ['--dir', dir, '--k', '1']);
    const value = (name: string) => Number(new RegExp(`${name}\\s+([0-9.]+)`).exec(stdout)?.[1]);
    expect(stdout).toContain('3 members');
    // History: o1 A, o2 A, o4 B, o6 A, o8 D; held out: m1 {A}, m2 {B}, m3 {C}.
    expect(value('popularity')).toBeCloseTo(1 / 3, 4); // A for everyone: m1 hits
    expect(value('unseen popularity')).toBe(0); // m1 gets B, m2 and m3 get A
    expect(value('personal popularity')).toBeCloseTo(2 / 3, 4); // m1 A, m2 B, m3 A
    // The recommender also returns each member's own staple first here.
    expect(value('recommender \\(recs:batch\\)')).toBeCloseTo(2 / 3, 4);
  }, 60_000);
});
