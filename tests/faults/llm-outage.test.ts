// Language model down, slow or rate-limited under concurrent turns: offline answers, and a breaker that stops calling it.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmTurns } from '../../db/schema/index.js';
import { LlmBrain } from '../../src/assistant/llm/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { captureLogger } from '../support/log-capture.js';
import { startLocalOpenAI, type LocalOpenAI, type Step } from '../support/openai-server.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
const MEMBERS = 50;
const THRESHOLD = 5;
const COOLDOWN = 30_000;
let llm: LocalOpenAI;
let connector: LocalConnector;
let t: TestApp;
let server: RunningServer;
let brain: LlmBrain;
let now = 0;
const log = captureLogger();
/**
 * Calls the brain made to the endpoint, counted at its fetch: the local server shares this event loop and may
 * read a request only after the client gave up on it, so the server's own count lags behind.
 */
let calls = 0;
const countingFetch: typeof fetch = (input, init) => {
  calls += 1;
  return fetch(input, init);
};

async function turn(i: number, text: string): Promise<string[]> {
  const activity = emulatorActivity(connector.url, `u-${i}`, text, { locale: i % 2 ? 'en-US' : 'zh-CN' });
  const { status, replies } = await postActivity(server.url, connector, activity);
  expect(status).toBe(200);
  return replies.filter((a) => a.type === 'message').map((a) => a.text ?? '');
}

/** 50 members ask for their balance at once; every one must get the offline answer with their own number. */
async function wave(): Promise<void> {
  const replies = await Promise.all(
    Array.from({ length: MEMBERS }, (_, i) => turn(i, i % 2 ? 'how many points do I have' : '我有多少积分')),
  );
  replies.forEach((r, i) => {
    const points = (100 + i).toLocaleString('en-US');
    expect(r).toEqual([i % 2 ? expect.stringContaining(`You have ${points} points`) : expect.stringContaining(`您当前有 ${points} 积分`)]);
  });
}

const fallbacks = async (reason: string) =>
  (
    await t.store.db
      .select({ n: count() })
      .from(llmTurns)
      .where(eq(llmTurns.fallback, reason as 'error'))
  )[0].n;

beforeAll(async () => {
  llm = await startLocalOpenAI();
  connector = await startLocalConnector();
  const offline = new OfflineBrain();
  brain = new LlmBrain({
    apiKey: 'sk-test',
    baseURL: llm.baseURL,
    model: 'test-model',
    callTimeoutMs: 3_000,
    turnBudgetMs: 8_000,
    fallback: offline,
    log,
    fetch: countingFetch,
    breaker: { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN, now: () => now },
  });
  t = await createTestApp({ clock, brain, env: { BOT_ACK_AFTER_MS: '10000', RATE_LIMIT_PER_MINUTE: '1000' } });
  await seedProgram(t.store);
  for (let i = 0; i < MEMBERS; i++) {
    await addMember(t.store, clock, {
      id: `m-${i}`,
      locale: i % 2 ? 'en' : 'zh-CN',
      identity: { channelId: 'emulator', channelUserId: `u-${i}` },
    });
    await paidOrder(t.deps.domain, `m-${i}`, `O-${i}`, String(100 + i), '2026-05-01T00:00:00Z');
  }
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  await llm?.close();
  t?.close();
});

describe.each<[string, Step, string]>([
  ['down (HTTP 500)', { status: 500 }, 'error'],
  [
    'rate-limited (HTTP 429)',
    { status: 429, headers: { 'retry-after': '20' }, body: { error: { message: 'slow down', type: 'rate_limit' } } },
    'rate_limited',
  ],
  ['hanging (slower than the call timeout)', { delayMs: 5_000, then: { content: 'too late' } }, 'timeout'],
])('language model %s, 50 concurrent turns', (_name, step, reason) => {
  it('every member gets the offline answer; the breaker opens and the next wave never calls the model', async () => {
    // A fresh start for each scenario: a healthy probe after the previous one's cooldown closes the circuit.
    llm.script([{ content: 'Hello from the model.' }]);
    now += COOLDOWN + 1;
    await turn(0, 'hello');
    expect(brain.breaker.state).toBe('closed');
    llm.script([step]);
    await wave();
    const called = calls;
    expect(called).toBeGreaterThanOrEqual(THRESHOLD);
    expect(brain.breaker.state).toBe('open');
    // Under load a failing call can also outlast the call timeout, so reasons may mix; this one must be there.
    expect(await fallbacks(reason)).toBeGreaterThanOrEqual(1);
    expect((await fallbacks('error')) + (await fallbacks('rate_limited')) + (await fallbacks('timeout'))).toBeGreaterThanOrEqual(THRESHOLD);

    const skippedBefore = await fallbacks('circuit_open');
    await wave();
    expect(calls).toBe(called); // open: not one more call to a dead endpoint
    expect((await fallbacks('circuit_open')) - skippedBefore).toBe(MEMBERS);
  });

  it('after the cooldown one probe goes out; while the model still fails the circuit stays open', async () => {
    now += COOLDOWN + 1;
    const before = calls;
    await wave();
    expect(calls - before).toBe(1);
    expect(brain.breaker.state).toBe('open');
  });
});

describe('language model back', () => {
  it('the probe after the cooldown closes the circuit and the model answers again', async () => {
    llm.script([{ content: 'Hello from the model.' }]);
    now += COOLDOWN + 1;
    expect(await turn(1, 'hello there')).toEqual(['Hello from the model.']);
    expect(brain.breaker.state).toBe('closed');
    const before = calls;
    await Promise.all(Array.from({ length: 10 }, (_, i) => turn(i, 'hello again')));
    expect(calls - before).toBe(10);
    expect(log.count(/language model endpoint failing/, 'warn')).toBeGreaterThanOrEqual(3);
    // Closed three times: before the second and third scenarios, and now.
    expect(log.count(/language model endpoint answering again/, 'info')).toBe(3);
  });
});
