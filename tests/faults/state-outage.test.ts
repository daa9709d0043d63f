// State store unreachable: Upstash (local REST server on real Redis) taken down mid-conversation and brought back.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import { MemoryState } from '../../src/state/memory.js';
import { ResilientState } from '../../src/state/resilient.js';
import { UpstashState } from '../../src/state/upstash.js';
import { createTurnPipeline } from '../../src/turn/pipeline.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { captureLogger } from '../support/log-capture.js';
import { startServer, type RunningServer } from '../support/server.js';
import { startToggleProxy, type ToggleProxy } from '../support/toggle-proxy.js';
import { startUpstashServer, type UpstashServer } from '../support/upstash-server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
const prefix = `faults:${randomUUID()}:`;
let upstash: UpstashServer;
let proxy: ToggleProxy;
let state: ResilientState;
let now = 1_000_000;
const log = captureLogger();
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;

/** Posts one activity over real HTTP; returns the reply texts the connector got for it. */
async function send(activity: ReturnType<typeof emulatorActivity>) {
  const { status, replies } = await postActivity(server.url, connector, activity);
  expect(status).toBe(200);
  return replies.map((a) => a.text ?? '');
}
const ask = (user: string, text: string) => send(emulatorActivity(connector.url, user, text));
const inboundCount = async (activityId: string) =>
  (
    await t.store.db
      .select()
      .from(messages)
      .where(and(eq(messages.activityId, activityId), eq(messages.direction, 'in')))
  ).length;

beforeAll(async () => {
  upstash = await startUpstashServer();
  proxy = await startToggleProxy(upstash.url);
  state = new ResilientState(new UpstashState({ url: proxy.url, token: upstash.token, prefix, retries: 0 }), {
    log,
    cooldownMs: 5_000,
    fallbackMaxKeys: 50,
    now: () => now,
  });
  connector = await startLocalConnector();
  t = await createTestApp({ clock, state });
  await seedProgram(t.store);
  for (const [id, locale] of [
    ['m-zh', 'zh-CN'],
    ['m-en', 'en'],
  ] as const) {
    await addMember(t.store, clock, { id, locale, identity: { channelId: 'emulator', channelUserId: `u-${id}` } });
    await paidOrder(t.deps.domain, id, `O-${id}`, '1234', '2026-05-01T00:00:00Z');
  }
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  await proxy?.close();
  await upstash?.cleanup(prefix);
  await upstash?.close();
  t?.close();
});

describe('Upstash unreachable', () => {
  it('uses the store while it is up', async () => {
    expect(await ask('u-m-en', 'how many points do I have')).toEqual([expect.stringMatching(/You have 1,234 points/)]);
    expect(state.breaker.state).toBe('closed');
    expect(await upstash.cleanup(`${prefix}dedupe:`)).toBeGreaterThan(0);
  });

  it('keeps answering every turn while it is down, logs one warning, dedupes on the fallback', async () => {
    await proxy.down();
    const sent = [];
    for (let i = 0; i < 6; i++) {
      const zh = i % 2 === 0;
      const replies = await ask(zh ? 'u-m-zh' : 'u-m-en', zh ? '我有多少积分' : 'how many points do I have');
      expect(replies).toEqual([zh ? expect.stringMatching(/您当前有 1,234 积分/) : expect.stringMatching(/You have 1,234 points/)]);
      sent.push(replies);
    }
    expect(state.breaker.state).toBe('open');
    expect(log.count(/state store unreachable/, 'warn')).toBe(1);
    expect(state.fallback.size).toBeGreaterThan(0);

    // The channel retries an activity (same id) during the outage: answered once, stored once.
    const activity = emulatorActivity(connector.url, 'u-m-en', 'my tier');
    const first = await send(activity);
    const again = await send(activity);
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(1); // the connector holds the one reply; the retry added none
    expect(await inboundCount(activity.id)).toBe(1);
  });

  it('rate limits on the fallback too (degraded, per process)', async () => {
    const limit = t.deps.config.RATE_LIMIT_PER_MINUTE;
    const outcomes: string[][] = [];
    for (let i = 0; i < limit + 2; i++) outcomes.push(await ask('u-m-zh', `我有多少积分 ${i}`));
    expect(outcomes.some((r) => r.some((x) => /速度太快/.test(x)))).toBe(true);
  });

  it('half-opens after the cooldown while still down, then recovers by itself when the store is back', async () => {
    now += 5_001;
    expect(await ask('u-m-en', 'how many points do I have')).toEqual([expect.stringMatching(/You have 1,234 points/)]);
    expect(state.breaker.state).toBe('open'); // the probe failed: open again for another cooldown

    // An activity first seen during the outage...
    const during = emulatorActivity(connector.url, 'u-m-en', 'my coupons');
    expect(await send(during)).toHaveLength(1);

    await proxy.up();
    expect(await ask('u-m-en', 'how many points do I have')).toHaveLength(1);
    expect(state.breaker.state).toBe('open'); // still inside the cooldown: nobody calls the store yet
    now += 5_001;
    expect(await ask('u-m-en', 'how many points do I have')).toEqual([expect.stringMatching(/You have 1,234 points/)]);
    expect(state.breaker.state).toBe('closed');
    expect(log.count(/state store reachable again/, 'info')).toBe(1);
    // ...and retried by the channel after recovery is still a duplicate.
    await send(during);
    expect(await inboundCount(during.id)).toBe(1);
    // New keys are written to Redis again.
    const after = emulatorActivity(connector.url, 'u-m-zh', '我是什么等级');
    expect(await send(after)).toHaveLength(1);
    expect(await upstash.redis.command('GET', `${prefix}dedupe:emulator:conv-u-m-zh:${after.id}`)).not.toBeNull();
  });

  it('lost nothing: every inbound message of the test is in the transcript exactly once', async () => {
    const ids = new Set(connector.captured.map((c) => c.replyToId));
    for (const id of ids) expect(await inboundCount(id as string)).toBeLessThanOrEqual(1);
    const rows = await t.store.db.select().from(messages).where(eq(messages.direction, 'in'));
    const unique = new Set(rows.map((r) => r.activityId));
    expect(unique.size).toBe(rows.length);
  });
});

describe('a turn that fails outright', () => {
  it('frees its dedupe key, so the channel redelivering the activity gets it processed', async () => {
    // A state store without the breaker whose counter call fails once: the turn throws out of the pipeline.
    class FlakyState extends MemoryState {
      failures = 1;
      override async incr(key: string, ttl: number): Promise<number> {
        if (this.failures-- > 0) throw new Error('state store (test) failed');
        return super.incr(key, ttl);
      }
    }
    const flaky = new FlakyState();
    const pipeline = createTurnPipeline({
      domain: t.deps.domain,
      state: flaky,
      brain: new OfflineBrain(),
      log: captureLogger(),
      limits: { ratePerMinute: 20, maxMessageChars: 2000, dedupeTtlSeconds: 600, linkFailuresPerHour: 100 },
    });
    const activity = {
      channelId: 'emulator',
      channelUserId: 'u-m-en',
      channelConversationId: 'conv-flaky',
      activityId: 'flaky-1',
      type: 'message' as const,
      text: 'how many points do I have',
    };
    await expect(pipeline(activity)).rejects.toThrow(/state store \(test\) failed/);
    expect(await flaky.get('dedupe:emulator:conv-flaky:flaky-1')).toBeNull();
    const again = await pipeline(activity);
    expect(again.duplicate).toBe(false);
    expect(again.replies).toEqual([expect.objectContaining({ text: expect.stringMatching(/You have 1,234 points/) })]);
    expect((await pipeline(activity)).duplicate).toBe(true);
  });
});

describe('MemoryState bound', () => {
  it('holds at most maxKeys, dropping the least recently used first and expired keys before that', async () => {
    let t0 = 0;
    const s = new MemoryState(() => t0, { maxKeys: 3 });
    await s.set('a', '1');
    await s.set('b', '2', { ttlSeconds: 1 });
    await s.set('c', '3');
    await s.get('a'); // a is now the most recently used
    t0 = 2_000; // b expired
    await s.set('d', '4');
    expect(s.size).toBe(3);
    expect(s.evicted).toBe(0); // the expired key made room
    await s.set('e', '5'); // full: c is the least recently used
    expect(await s.get('c')).toBeNull();
    expect(await s.get('a')).toBe('1');
    expect(await s.get('d')).toBe('4');
    expect(await s.get('e')).toBe('5');
    expect(s.evicted).toBe(1);
    for (let i = 0; i < 1_000; i++) await s.incr(`n${i}`, 60);
    expect(s.size).toBe(3);
  });
});

describe('a delete made while Upstash is down', () => {
  let p2: ToggleProxy;
  let s2: ResilientState;
  let t2 = 5_000_000;
  const pfx = `faults-del:${randomUUID()}:`;
  const raw = (key: string) => upstash.redis.command('GET', `${pfx}${key}`);
  beforeAll(async () => {
    p2 = await startToggleProxy(upstash.url);
    s2 = new ResilientState(new UpstashState({ url: p2.url, token: upstash.token, prefix: pfx, retries: 0 }), {
      log: captureLogger(),
      cooldownMs: 1_000,
      now: () => t2,
    });
  });
  afterAll(async () => {
    await p2?.close();
    await upstash?.cleanup(pfx);
  });

  it('reaches the store once it is back: no process reads the deleted value, a deleted counter restarts', async () => {
    await s2.set('lock', 'holder-1', { ttlSeconds: 600 });
    await s2.incr('count', 600);
    await s2.incr('count', 600);
    expect(String(await raw('lock'))).toBe('holder-1');

    await p2.down();
    await s2.del('lock');
    await s2.del('count');
    expect(await s2.get('lock')).toBeNull(); // this process sees its own delete at once
    expect(String(await raw('lock'))).toBe('holder-1'); // the store could not be told yet

    await p2.up();
    t2 += 1_001;
    // The first call that reaches the store again restarts the deleted counter there...
    expect(await s2.incr('count', 600)).toBe(1);
    await s2.settled();
    // ...and the other delete is sent after it: another process sharing the store sees the lock free.
    expect(await raw('lock')).toBeNull();
    const other = new UpstashState({ url: upstash.url, token: upstash.token, prefix: pfx, retries: 0 });
    expect(await other.set('lock', 'holder-2', { onlyIfAbsent: true, ttlSeconds: 600 })).toBe(true);
    expect(await s2.get('lock')).toBe('holder-2');
  });
});
