// Connector answering 429 / 5xx: retries with exponential backoff and full jitter, honouring Retry-After, bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FetchBotAdapter, parseRetryAfter, retryDelay } from '../../src/channels/botframework/adapter.js';
// The channel (the app's Bot Framework sender) is imported as the app does; sender.ts alone hits an import cycle.
import { BotFrameworkChannel as BotFrameworkSender } from '../../src/channels/botframework/channel.js';
import type { StoredReference } from '../../src/channels/outbound.js';
import { fetchHttpClient } from '../../src/lib/http.js';
import { silentLogger } from '../../src/lib/log.js';
import { startLocalConnector, type LocalConnector } from '../support/connector.js';

let connector: LocalConnector;
const NOW = Date.parse('2026-06-01T08:00:00Z');
/** Waits the adapter asked for: recorded, not slept (the test measures what the retry waited, not the wall clock). */
const waits: number[] = [];
let jitter = 1;

const adapter = (maxAttempts = 4) =>
  new FetchBotAdapter({
    http: fetchHttpClient(),
    log: silentLogger,
    maxAttempts,
    retry: {
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      maxWaitMs: 60_000,
      now: () => NOW,
      random: () => jitter,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });

const ref = (): StoredReference => ({
  conversationId: 'emulator:conv-r',
  channelId: 'emulator',
  memberId: 'm-1',
  reference: {
    channelId: 'emulator',
    serviceUrl: connector.url,
    conversation: { id: 'conv-r' },
    user: { id: 'u-1' },
    bot: { id: 'bot' },
  },
});
const delivered = () => connector.repliesTo('conv-r').length;

beforeAll(async () => {
  connector = await startLocalConnector();
});
afterAll(async () => {
  await connector.close();
});
beforeEach(() => {
  waits.length = 0;
  jitter = 1;
  connector.failNext(0, 500);
});

describe('Retry-After', () => {
  it('parses delta-seconds and HTTP-dates, ignores garbage', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7_000);
    expect(parseRetryAfter(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3_000);
    expect(parseRetryAfter(new Date(NOW - 3_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('a 429 with Retry-After in seconds is waited out, then the message goes once', async () => {
    const before = delivered();
    connector.failNext(1, 429, '7');
    const r = await new BotFrameworkSender(adapter()).send(ref(), [{ text: 'hello' }]);
    expect(r).toMatchObject({ status: 'sent' });
    expect(waits).toEqual([7_000]);
    expect(delivered()).toBe(before + 1);
  });

  it('a 503 with an HTTP-date Retry-After waits until that date', async () => {
    connector.failNext(1, 503, new Date(NOW + 4_000).toUTCString());
    const r = await new BotFrameworkSender(adapter()).send(ref(), [{ text: 'hello' }]);
    expect(r.status).toBe('sent');
    expect(waits).toEqual([4_000]);
  });

  it('a Retry-After longer than the call may wait fails at once, retryable, carrying the wait for a dispatcher', async () => {
    const before = delivered();
    connector.failNext(1, 429, '120');
    const r = await new BotFrameworkSender(adapter()).send(ref(), [{ text: 'later' }]);
    expect(r).toMatchObject({ status: 'failed', retryable: true, httpStatus: 429, retryAfterMs: 120_000 });
    expect(waits).toEqual([]);
    expect(delivered()).toBe(before);
  });
});

describe('backoff', () => {
  it('is exponential with full jitter, capped', () => {
    const policy = { baseDelayMs: 200, maxDelayMs: 5_000, maxWaitMs: 60_000, sleep: async () => {}, now: () => 0 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelay(a, undefined, { ...policy, random: () => 1 }))).toEqual([
      200, 400, 800, 1_600, 3_200, 5_000, 5_000,
    ]);
    expect(retryDelay(3, undefined, { ...policy, random: () => 0.25 })).toBe(200);
    expect(retryDelay(3, undefined, { ...policy, random: () => 0 })).toBe(0);
  });

  it('a 5xx storm ends in a retryable failure after the bounded attempts, and nothing is sent twice', async () => {
    const before = delivered();
    connector.failNext(100, 502);
    jitter = 0.5;
    const r = await new BotFrameworkSender(adapter(4)).send(ref(), [{ text: 'storm' }]);
    expect(r).toMatchObject({ status: 'failed', retryable: true, httpStatus: 502 });
    expect(waits).toEqual([100, 200, 400]);
    expect(delivered()).toBe(before);
    // Once the connector recovers the same message goes exactly once.
    connector.failNext(0, 500);
    expect((await new BotFrameworkSender(adapter(4)).send(ref(), [{ text: 'storm' }])).status).toBe('sent');
    expect(connector.repliesTo('conv-r').filter((c) => c.activity.text === 'storm')).toHaveLength(1);
  });

  it('a 4xx other than 429 is not retried', async () => {
    connector.failNext(1, 400);
    const r = await new BotFrameworkSender(adapter()).send(ref(), [{ text: 'bad' }]);
    expect(r).toMatchObject({ status: 'failed', retryable: false, httpStatus: 400 });
    expect(waits).toEqual([]);
  });
});
