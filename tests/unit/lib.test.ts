// Small pure helpers: money, calendar math, signed tokens, the in-memory state port, the keyed mutex.
import { describe, expect, it } from 'vitest';
import { hmacHex, signToken, verifyHmacHex, verifyToken } from '../../src/lib/crypto.js';
import { formatMoney, formatPoints, parseCents } from '../../src/lib/money.js';
import { KeyedMutex } from '../../src/lib/mutex.js';
import { addMonths, formatDate } from '../../src/lib/time.js';
import { MemoryState } from '../../src/state/memory.js';
import { replyLang } from '../../src/turn/lang.js';

describe('money', () => {
  it('formats cents and points for members', () => {
    expect(formatMoney(123456)).toBe('1,234.56');
    expect(formatMoney(500000)).toBe('5,000');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatPoints(1234567)).toBe('1,234,567');
  });
  it('parses decimal amounts without float drift', () => {
    expect(parseCents('19.90')).toBe(1990);
    expect(parseCents('0.1')).toBe(10);
    expect(parseCents(1.15)).toBe(115);
  });
});

describe('time', () => {
  it('adds calendar months with end-of-month clamping', () => {
    expect(addMonths(new Date('2025-01-31T10:00:00Z'), 1).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2024-02-29T00:00:00Z'), 12).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addMonths(new Date('2025-06-15T00:00:00Z'), -12).toISOString()).toBe('2024-06-15T00:00:00.000Z');
  });
  it('renders dates in the member time zone', () => {
    const d = new Date('2026-03-01T20:00:00Z');
    expect(formatDate(d, 'Asia/Shanghai')).toBe('2026-03-02');
    expect(formatDate(d, 'America/Los_Angeles')).toBe('2026-03-01');
    expect(formatDate(d, 'Not/AZone')).toBe('2026-03-01');
  });
  it("gives the zone formatter's date for every instant, around midnights and DST changes, cached or not", () => {
    const zones = ['Asia/Shanghai', 'America/Los_Angeles', 'Europe/London', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns'];
    // Every 7 minutes and 13 seconds over two days around each of the 2026 DST changes, twice (the second pass hits the cache).
    const starts = [
      '2026-03-07T00:00:00Z',
      '2026-03-28T00:00:00Z',
      '2026-04-04T00:00:00Z',
      '2026-10-03T00:00:00Z',
      '2026-10-24T00:00:00Z',
      '2026-10-31T00:00:00Z',
    ];
    for (const pass of [1, 2]) {
      for (const timeZone of zones) {
        const intl = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
        for (const start of starts) {
          for (let ms = Date.parse(start); ms < Date.parse(start) + 2 * 86_400_000; ms += 433_000) {
            expect(formatDate(new Date(ms), timeZone), `${timeZone} ${new Date(ms).toISOString()} pass ${pass}`).toBe(intl.format(ms));
          }
        }
      }
    }
  });
});

describe('signed tokens and HMAC', () => {
  it('round-trips and rejects tampering, other secrets and expiry', async () => {
    const now = Date.now();
    const token = await signToken('s1', { sub: 'M1', exp: Math.floor(now / 1000) + 60 });
    expect(await verifyToken('s1', token)).toMatchObject({ sub: 'M1' });
    expect(await verifyToken('s2', token)).toBeNull();
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'M2', exp: 9e9 })).toString('base64url');
    expect(await verifyToken('s1', `${forged}.${sig}`)).toBeNull();
    expect(await verifyToken('s1', `${body}.${sig}`, now + 120_000)).toBeNull();
    expect(await verifyToken('s1', 'garbage')).toBeNull();
    expect(await verifyToken('s1', 'a.b.c')).toBeNull();
  });
  it('verifies hex HMACs', async () => {
    const sig = await hmacHex('k', 'msg');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyHmacHex('k', 'msg', sig)).toBe(true);
    expect(await verifyHmacHex('k', 'msg2', sig)).toBe(false);
    expect(await verifyHmacHex('k', 'msg', 'zz')).toBe(false);
  });
});

describe('MemoryState', () => {
  it('implements set-if-absent, TTL and counters', async () => {
    let t = 0;
    const s = new MemoryState(() => t);
    expect(await s.set('a', '1', { onlyIfAbsent: true, ttlSeconds: 10 })).toBe(true);
    expect(await s.set('a', '2', { onlyIfAbsent: true })).toBe(false);
    expect(await s.get('a')).toBe('1');
    t = 10_001;
    expect(await s.get('a')).toBeNull();
    expect(await s.incr('c', 5)).toBe(1);
    expect(await s.incr('c', 5)).toBe(2);
    t += 5_001;
    expect(await s.incr('c', 5)).toBe(1);
    await s.del('c');
    expect(await s.get('c')).toBeNull();
  });
});

describe('KeyedMutex', () => {
  it('serializes work per key and survives failures', async () => {
    const m = new KeyedMutex();
    const order: number[] = [];
    const slow = (n: number, ms: number) =>
      m.run('k', async () => {
        await new Promise((r) => setTimeout(r, ms));
        order.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      });
    const results = await Promise.allSettled([slow(1, 20), slow(2, 5), slow(3, 1)]);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('reply language', () => {
  it('follows the message and falls back for digits or emoji', () => {
    expect(replyLang('我的积分', 'en')).toBe('zh-CN');
    expect(replyLang('my points', 'zh-CN')).toBe('en');
    expect(replyLang('1', 'zh-CN')).toBe('zh-CN');
    expect(replyLang('👍', 'en')).toBe('en');
  });
});
