// kill -9 at random points: real child processes (the import CLI, redemptions, racing agents) SIGKILLed and restarted.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, handoffs, members, staff } from '../../db/schema/index.js';
import { filePath } from '../../src/db/open-node.js';
import { systemClock } from '../../src/lib/time.js';
import { addMember, domainCtx, paidOrder, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';
import { mulberry32 } from '../../db/seed/random.js';

const TSX = import.meta.resolve('tsx');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./kill9-worker.ts', import.meta.url));
const IMPORT_CLI = join(ROOT, 'scripts/import.ts');

const rand = mulberry32(8_000_009);
/** Every child is a real process start (tsx included): seconds each on a busy machine. */
const TIMEOUT = 240_000;

interface Run {
  killed: boolean;
  code: number | null;
  /** What the watcher's query returned when the child was killed (its progress at that moment). */
  at?: number;
}

/**
 * Runs a TypeScript child; a watcher on its own read connection polls `progress` and SIGKILLs the child as
 * soon as it reaches `killAt` (a random point inside the work, not a timer: the kill lands mid-way whatever
 * the machine's speed). Without `killAt` the child runs to completion and must exit 0.
 */
function run(script: string, args: string[], watch?: { progress: () => number; killAt: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', TSX, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout?.resume();
    let at: number | undefined;
    const timer = watch
      ? setInterval(() => {
          const n = watch.progress();
          if (n >= watch.killAt && at === undefined) {
            at = n;
            child.kill('SIGKILL');
          }
        }, 2)
      : null;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      if (signal === 'SIGKILL') resolve({ killed: true, code, at });
      else if (code !== 0) reject(new Error(`child ${script} exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ killed: false, code });
    });
  });
}

let store: TestStore;
let reader: Database.Database;
const scalar = (sql: string, ...args: unknown[]) => Number(Object.values(reader.prepare(sql).get(...args) as object)[0] ?? 0);

beforeAll(async () => {
  store = await createTestStore();
  await seedProgram(store);
  reader = new Database(filePath(store.url), { readonly: true });
});
afterAll(() => {
  reader?.close();
  store?.dispose();
});

/** Balance invariants of one member: cached balance = ledger sum = what is left in the earn lots. */
function balances(memberId: string) {
  return {
    cached: scalar('select points_balance from members where id = ?', memberId),
    ledger: scalar('select coalesce(sum(points), 0) from points_ledger where member_id = ?', memberId),
    lots: scalar('select coalesce(sum(remaining), 0) from point_lots where member_id = ?', memberId),
  };
}

describe('kill -9 during order import (scripts/import.ts)', () => {
  const ORDERS = 600;
  const KILLS = 6;
  const lines = ['member_id,order_id,ordered_at,product_id,quantity,amount'];
  for (let i = 0; i < ORDERS; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 4)).padStart(2, '0');
    lines.push(`imp-${String(i % 24).padStart(2, '0')},IMP-${i},2026-${month}-${day}T10:00:00Z,P1,1,${(20 + ((i * 37) % 400)).toFixed(2)}`);
  }

  it(
    'restarted after every kill, the import ends with each order applied once and the same points as one clean run',
    async () => {
      const csv = join(store.dir, 'orders.csv');
      writeFileSync(csv, `${lines.join('\n')}\n`);
      // Small batches: many commits, so a kill can land between any two of them (or inside one).
      const args = ['--orders', csv, '--database-url', store.url, '--batch-size', '4'];
      const orders = () => scalar('select count(*) from orders');
      const kills: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        const before = orders();
        if (before >= ORDERS) break;
        // Somewhere in the first 60% of what is left, so the kill lands before this run could finish.
        const r = await run(IMPORT_CLI, args, { progress: orders, killAt: before + 1 + Math.floor(rand() * 0.6 * (ORDERS - before - 1)) });
        if (r.killed) kills.push(r.at ?? 0);
      }
      await run(IMPORT_CLI, args);
      await run(IMPORT_CLI, args); // and once more: an import of the same file changes nothing

      // The kills landed inside the import, at different points.
      expect(kills.length).toBeGreaterThanOrEqual(KILLS - 2);
      expect(kills.every((n) => n > 0 && n < ORDERS)).toBe(true);
      expect(scalar('select count(*) from orders')).toBe(ORDERS);
      expect(scalar("select count(*) from points_ledger where kind = 'earn'")).toBe(ORDERS);
      expect(scalar("select count(distinct source_ref) from points_ledger where kind = 'earn'")).toBe(ORDERS);

      // The reference: the same file imported once, without kills, into a fresh store.
      const clean = await createTestStore();
      try {
        await seedProgram(clean);
        clean.close();
        await run(IMPORT_CLI, ['--orders', csv, '--database-url', clean.url, '--batch-size', '500']);
        const ref = new Database(filePath(clean.url), { readonly: true });
        try {
          const sums = (db: Database.Database) =>
            db
              .prepare(
                "select member_id as m, sum(points) as p from points_ledger where member_id like 'imp-%' group by member_id order by member_id",
              )
              .all();
          expect(sums(reader)).toEqual(sums(ref));
        } finally {
          ref.close();
        }
      } finally {
        clean.dispose();
      }
      for (let m = 0; m < 24; m++) {
        const b = balances(`imp-${String(m).padStart(2, '0')}`);
        expect(b.cached).toBe(b.ledger);
        expect(b.lots).toBe(b.ledger);
      }
    },
    TIMEOUT,
  );
});

describe('kill -9 during point redemption', () => {
  const REDEMPTIONS = 40;
  const KILLS = 6;

  it(
    'restarted with the same idempotency keys, every redemption is applied exactly once',
    async () => {
      const ctx = domainCtx(store, systemClock);
      await addMember(store, systemClock, { id: 'red-1' });
      await paidOrder(ctx, 'red-1', 'RED-O1', '30000', new Date(Date.now() - 86_400_000).toISOString());
      const earned = balances('red-1').ledger;
      expect(earned).toBeGreaterThan(REDEMPTIONS * 500);

      const redeemed = () => scalar("select count(*) from points_ledger where member_id = 'red-1' and kind = 'redeem'");
      const args = ['redeem', store.url, 'red-1', String(REDEMPTIONS)];
      const kills: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        const before = redeemed();
        if (before >= REDEMPTIONS - 1) break;
        const r = await run(WORKER, args, {
          progress: redeemed,
          killAt: before + 1 + Math.floor(rand() * 0.6 * (REDEMPTIONS - before - 1)),
        });
        if (r.killed) kills.push(r.at ?? 0);
      }
      await run(WORKER, args);
      await run(WORKER, args);

      expect(kills.length).toBeGreaterThanOrEqual(3);
      expect(redeemed()).toBe(REDEMPTIONS);
      expect(scalar("select count(distinct idempotency_key) from points_ledger where member_id = 'red-1' and kind = 'redeem'")).toBe(
        REDEMPTIONS,
      );
      expect(scalar("select count(*) from member_coupons where member_id = 'red-1'")).toBe(REDEMPTIONS);
      const b = balances('red-1');
      expect(b.ledger).toBe(earned - REDEMPTIONS * 500);
      expect(b.cached).toBe(b.ledger);
      expect(b.lots).toBe(b.ledger);
    },
    TIMEOUT,
  );
});

describe('kill -9 of an agent during handoff claims', () => {
  const ROUNDS = 3;
  const PER_ROUND = 16;

  it(
    'two agents race down the queue, one is killed and restarted: every handoff has exactly one owner',
    async () => {
      const now = new Date();
      await store.write(async (tx) => {
        await tx.insert(staff).values(
          ['agent-a', 'agent-b'].map((id) => ({
            id,
            email: `${id}@example.com`,
            name: id,
            displayName: id,
            role: 'agent' as const,
            createdAt: now,
          })),
        );
      });
      for (let round = 0; round < ROUNDS; round++) {
        const ids: string[] = [];
        await store.write(async (tx) => {
          for (let i = 0; i < PER_ROUND; i++) {
            const memberId = `hm-${round}-${i}`;
            const conversationId = `emulator:hc-${round}-${i}`;
            await tx.insert(members).values({ id: memberId, name: memberId, locale: 'en', timeZone: 'UTC', createdAt: now });
            await tx.insert(conversations).values({
              id: conversationId,
              channelId: 'emulator',
              channelUserId: memberId,
              memberId,
              createdAt: now,
              lastActivityAt: now,
            });
            const id = `H-${round}-${i}`;
            await tx.insert(handoffs).values({
              id,
              memberId,
              conversationId,
              channelId: 'emulator',
              locale: 'en',
              status: 'pending',
              mode: 'live',
              reason: 'member_request',
              requestedAt: now,
              updatedAt: now,
            });
            ids.push(id);
          }
        });
        const assigned = () => scalar(`select count(*) from handoffs where id like 'H-${round}-%' and status = 'assigned'`);
        // Agent A works from the front of the queue, B from the back; one of them is killed at a random point.
        const victim = rand() < 0.5 ? 'a' : 'b';
        const argsOf = (who: 'a' | 'b') => ['claim', store.url, `agent-${who}`, ...(who === 'a' ? ids : [...ids].reverse())];
        const killAt = 1 + Math.floor(rand() * (PER_ROUND - 2));
        const [ra, rb] = await Promise.all(
          (['a', 'b'] as const).map((who) => run(WORKER, argsOf(who), who === victim ? { progress: assigned, killAt } : undefined)),
        );
        const victimRun = victim === 'a' ? ra : rb;
        if (victimRun.killed) await run(WORKER, argsOf(victim));

        const rows = reader
          .prepare(`select id, status, agent_id as agentId, conversation_id as conv from handoffs where id like 'H-${round}-%'`)
          .all() as { id: string; status: string; agentId: string; conv: string }[];
        expect(rows).toHaveLength(PER_ROUND);
        for (const h of rows) {
          expect(h.status).toBe('assigned');
          expect(['agent-a', 'agent-b']).toContain(h.agentId);
          const events = reader.prepare("select data from handoff_events where handoff_id = ? and type = 'claimed'").all(h.id) as {
            data: string;
          }[];
          expect(events).toHaveLength(1);
          expect(JSON.parse(events[0].data).agentId).toBe(h.agentId);
          // The conversation passed to the agent in the claim's own transaction.
          expect((reader.prepare('select owner from conversations where id = ?').get(h.conv) as { owner: string }).owner).toBe('human');
        }
      }
    },
    TIMEOUT,
  );
});
