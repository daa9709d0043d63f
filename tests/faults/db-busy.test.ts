// Database busy or locked: another connection holds the file's write lock (BEGIN IMMEDIATE) while members write.
import Database from 'libsql';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberCoupons, members, messages, pointsLedger } from '../../db/schema/index.js';
import { StoreBusyError } from '../../src/db/client.js';
import { filePath } from '../../src/db/open-node.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
/** A second connection to the same file: the "other process" holding the write lock. */
let other: Database.Database;

// Virtual time for the retry budget: each backoff advances it by its delay, so the budget (1 s) is spent
// after a known number of attempts whatever the machine's speed; `onSleep` lets a test act between attempts.
let virtual = 0;
const delays: number[] = [];
let onSleep: ((n: number) => void) | null = null;
const storeOptions = {
  busyTimeoutMs: 1_000,
  random: () => 0.5,
  now: () => virtual,
  sleep: async (ms: number) => {
    delays.push(ms);
    virtual += ms;
    onSleep?.(delays.length);
    await new Promise((r) => setImmediate(r));
  },
};

const lock = () => other.exec('BEGIN IMMEDIATE');
const unlock = () => {
  if (other.inTransaction) other.exec('COMMIT');
};

async function send(activity: ReturnType<typeof emulatorActivity>): Promise<string[]> {
  const { status, replies } = await postActivity(server.url, connector, activity);
  expect(status).toBe(200);
  return replies.map((a) => a.text ?? '');
}
/** Inbound transcript rows of one activity (replies are stored with the turn, without the activity id). */
const stored = async (activityId: string) =>
  (await t.store.db.select().from(messages).where(eq(messages.activityId, activityId))).map((m) => m.direction);
const balance = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;
const ledgerSum = async (memberId: string) =>
  Number(
    (
      await t.store.db
        .select({ s: sql<number>`coalesce(sum(${pointsLedger.points}), 0)` })
        .from(pointsLedger)
        .where(eq(pointsLedger.memberId, memberId))
    )[0].s,
  );
const couponsOf = async (memberId: string) =>
  (
    await t.store.db
      .select()
      .from(memberCoupons)
      .where(and(eq(memberCoupons.memberId, memberId), eq(memberCoupons.couponId, 'C5')))
  ).length;

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, storeOptions });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'zh-1', locale: 'zh-CN', identity: { channelId: 'emulator', channelUserId: 'u-zh' } });
  await addMember(t.store, clock, { id: 'en-1', locale: 'en', identity: { channelId: 'emulator', channelUserId: 'u-en' } });
  await paidOrder(t.deps.domain, 'zh-1', 'Z1', '2000', '2026-05-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'en-1', 'E1', '2000', '2026-05-01T00:00:00Z');
  other = new Database(filePath(t.store.url), { timeout: 0 });
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  unlock();
  other?.close();
  await server?.close();
  await connector?.close();
  t?.close();
});

describe('database locked by another connection', () => {
  it('a write waits the lock out with bounded, growing backoff and then succeeds', async () => {
    lock();
    delays.length = 0;
    onSleep = (n) => n === 3 && unlock();
    try {
      const replies = await send(emulatorActivity(connector.url, 'u-en', 'how many points do I have'));
      expect(replies).toEqual([expect.stringMatching(/You have 2,000 points/)]);
    } finally {
      onSleep = null;
      unlock();
    }
    // Full jitter on 10, 20, 40 ms (random fixed at 0.5 here): three waits, then the transcript was written.
    expect(delays).toEqual([5, 10, 20]);
  });

  it('held past DB_BUSY_TIMEOUT_MS: a polite reply in the member language, nothing stored, the retry is processed', async () => {
    for (const [user, expected] of [
      ['u-zh', /系统此刻有点忙/],
      ['u-en', /a little busy right now/],
    ] as const) {
      lock();
      delays.length = 0;
      const activity = emulatorActivity(connector.url, user, user === 'u-zh' ? '我有多少积分' : 'how many points do I have');
      let replies: string[];
      try {
        replies = await send(activity);
      } finally {
        unlock();
      }
      expect(replies).toEqual([expect.stringMatching(expected)]);
      // Bounded: attempts stop once the next wait would pass the 1 s budget; the waits grow, capped at 250 ms.
      expect(delays.reduce((a, b) => a + b, 0)).toBeLessThan(1_000);
      expect(Math.max(...delays)).toBe(125);
      expect(await stored(activity.id)).toEqual([]);
      const dedupe = `dedupe:emulator:conv-${user}:${activity.id}`;
      expect(await t.deps.state.get(dedupe)).toBeNull();

      // The channel redelivers the same activity once the lock is gone: a real answer, stored once.
      const again = await send(activity);
      expect(again.at(-1)).toMatch(user === 'u-zh' ? /您当前有 2,000 积分/ : /You have 2,000 points/);
      expect(await stored(activity.id)).toEqual(['in']);
      await send(activity);
      expect(await stored(activity.id)).toEqual(['in']);
    }
  });

  it('STOP while the store is locked: the polite busy reply, consent unchanged, and the redelivery opts out', async () => {
    const consentOf = async (id: string) =>
      (await t.store.db.select({ c: members.marketingConsent }).from(members).where(eq(members.id, id)))[0]?.c;
    await t.store.write((tx) => tx.update(members).set({ marketingConsent: true }).where(eq(members.id, 'en-1')));
    lock();
    const activity = emulatorActivity(connector.url, 'u-en', 'STOP');
    let replies: string[];
    try {
      replies = await send(activity);
    } finally {
      unlock();
    }
    expect(replies).toEqual([expect.stringMatching(/a little busy right now/)]);
    expect(await consentOf('en-1')).toBe(true);
    expect(await t.deps.state.get(`dedupe:emulator:conv-u-en:${activity.id}`)).toBeNull();
    const again = await send(activity);
    expect(again.at(-1)).not.toMatch(/a little busy/);
    expect(await consentOf('en-1')).toBe(false);
  });

  it('a redemption confirmed while locked changes nothing; confirmed again it applies exactly once', async () => {
    const before = await balance('en-1');
    expect(await ledgerSum('en-1')).toBe(before);
    const [ask] = await send(emulatorActivity(connector.url, 'u-en', 'redeem 1'));
    expect(ask).toContain('Reply "yes"');

    const yes = emulatorActivity(connector.url, 'u-en', 'yes');
    lock();
    let replies: string[];
    try {
      replies = await send(yes);
    } finally {
      unlock();
    }
    expect(replies).toEqual([expect.stringMatching(/a little busy right now/)]);
    expect(await balance('en-1')).toBe(before);
    expect(await ledgerSum('en-1')).toBe(before);
    expect(await couponsOf('en-1')).toBe(0);
    expect(await stored(yes.id)).toEqual([]);

    // Redelivered: the pending confirmation was kept, so it redeems now, once.
    const done = await send(yes);
    expect(done.at(-1)).toMatch(/balance is now 1,500 points/);
    await send(yes);
    await send(emulatorActivity(connector.url, 'u-en', 'yes'));
    expect(await balance('en-1')).toBe(before - 500);
    expect(await ledgerSum('en-1')).toBe(before - 500);
    expect(await couponsOf('en-1')).toBe(1);
    expect(await stored(yes.id)).toEqual(['in']);
  });

  it('direct writes give up with StoreBusyError (503 on the API) and leave nothing behind', async () => {
    lock();
    try {
      await expect(paidOrder(t.deps.domain, 'zh-1', 'Z-locked', '10', '2026-05-02T00:00:00Z')).rejects.toBeInstanceOf(StoreBusyError);
    } finally {
      unlock();
    }
    expect(await balance('zh-1')).toBe(await ledgerSum('zh-1'));
    expect(await balance('zh-1')).toBe(2_000);
  });
});
