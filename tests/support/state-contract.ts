// The StatePort contract: one suite every state adapter must pass (memory, Upstash; any future one).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatePort } from '../../src/state/port.js';

export interface StateUnderTest {
  state: StatePort;
  dispose(): Promise<void> | void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the contract for one adapter. Expiry is observed for real (TTLs of one second and a wait),
 * because an adapter whose clock cannot be faked (Redis) must show the same behaviour as one that can.
 */
export function describeStateContract(name: string, make: () => Promise<StateUnderTest>): void {
  describe(`StatePort contract: ${name}`, () => {
    let sut: StateUnderTest;
    let s: StatePort;
    // Unique keys per run: adapters may share a real server with other suites.
    const key = (k: string) => `contract:${randomUUID()}:${k}`;
    beforeAll(async () => {
      sut = await make();
      s = sut.state;
    });
    afterAll(async () => {
      await sut.dispose();
    });

    it('get of a missing key is null; set then get returns the exact string', async () => {
      const k = key('a');
      expect(await s.get(k)).toBeNull();
      const values = [
        'plain',
        '',
        '0',
        '123',
        'null',
        '{"json":true,"n":[1,2]}',
        '[]',
        '"quoted"',
        '我有多少积分？ 🎉',
        'line\nbreak\ttab',
      ];
      for (const v of values) {
        expect(await s.set(k, v)).toBe(true);
        expect(await s.get(k)).toBe(v);
      }
    });

    it('keeps large values and keys with separators and non-ASCII characters', async () => {
      const k = key('mem:emulator:conv 1/路径');
      const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `消息 ${i}` })));
      expect(await s.set(k, big, { ttlSeconds: 60 })).toBe(true);
      expect(await s.get(k)).toBe(big);
    });

    it('onlyIfAbsent sets once and reports whether it did', async () => {
      const k = key('nx');
      expect(await s.set(k, 'first', { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
      expect(await s.set(k, 'second', { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(false);
      expect(await s.get(k)).toBe('first');
      expect(await s.set(k, 'third')).toBe(true);
      expect(await s.get(k)).toBe('third');
    });

    it('exactly one of many concurrent onlyIfAbsent sets wins', async () => {
      const k = key('race');
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => s.set(k, `v${i}`, { onlyIfAbsent: true, ttlSeconds: 60 })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await s.get(k)).toBe(`v${results.indexOf(true)}`);
    });

    it('del removes a key and is a no-op for a missing one', async () => {
      const k = key('del');
      await s.set(k, 'x');
      await s.del(k);
      expect(await s.get(k)).toBeNull();
      await expect(s.del(key('never-set'))).resolves.toBeUndefined();
      expect(await s.set(k, 'again', { onlyIfAbsent: true })).toBe(true);
    });

    it('incr counts from 1 and concurrent increments are never lost', async () => {
      const k = key('count');
      expect(await s.incr(k, 60)).toBe(1);
      expect(await s.incr(k, 60)).toBe(2);
      const more = await Promise.all(Array.from({ length: 40 }, () => s.incr(k, 60)));
      expect(new Set(more).size).toBe(40);
      expect(Math.max(...more)).toBe(42);
      expect(await s.get(k)).toBe('42');
    });

    it('TTLs expire keys, onlyIfAbsent works again after expiry, and a later set without TTL keeps the key', async () => {
      const [a, b, c] = [key('ttl-a'), key('ttl-b'), key('ttl-c')];
      await s.set(a, 'short', { ttlSeconds: 1 });
      await s.set(b, 'nx', { ttlSeconds: 1, onlyIfAbsent: true });
      await s.set(c, 'ttl', { ttlSeconds: 1 });
      await s.set(c, 'forever');
      expect(await s.get(a)).toBe('short');
      await sleep(1300);
      expect(await s.get(a)).toBeNull();
      expect(await s.set(b, 'nx again', { ttlSeconds: 60, onlyIfAbsent: true })).toBe(true);
      expect(await s.get(c)).toBe('forever');
    });

    it("a counter's TTL starts when it is created and is not extended by later increments", async () => {
      const k = key('window');
      expect(await s.incr(k, 2)).toBe(1);
      await sleep(800);
      expect(await s.incr(k, 2)).toBe(2);
      await sleep(1400);
      // 2.2 s after creation: the 2 s window is over even though the last increment was 1.4 s ago.
      expect(await s.incr(k, 2)).toBe(1);
    });
  });
}
