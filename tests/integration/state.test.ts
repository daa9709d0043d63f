// The state port contract on memory and on Upstash (REST protocol server in front of the machine's real Redis).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryState } from '../../src/state/memory.js';
import { ResilientState } from '../../src/state/resilient.js';
import { UpstashState } from '../../src/state/upstash.js';
import { createState } from '../../src/deps.js';
import { parseEnv } from '../../src/env.js';
import { describeStateContract } from '../support/state-contract.js';
import { startUpstashServer, type UpstashServer } from '../support/upstash-server.js';

describeStateContract('MemoryState', async () => ({ state: new MemoryState(), dispose() {} }));

describeStateContract('UpstashState', async () => {
  const server = await startUpstashServer();
  const prefix = `test:${randomUUID()}:`;
  return {
    state: new UpstashState({ url: server.url, token: server.token, prefix }),
    async dispose() {
      await server.cleanup(prefix);
      await server.close();
    },
  };
});

describe('Upstash REST protocol (local server on real Redis)', () => {
  let server: UpstashServer;
  const prefix = `test:${randomUUID()}:`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    server = await startUpstashServer();
  });
  afterAll(async () => {
    await server.cleanup(prefix);
    await server.close();
  });

  it('answers single commands with {result} and errors with 400 {error}', async () => {
    const k = `${prefix}single`;
    expect(await (await post('/', ['SET', k, 'v', 'EX', 60])).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['GET', k])).json()).toEqual({ result: 'v' });
    expect(await (await post('/', ['INCR', `${prefix}n`])).json()).toEqual({ result: 1 });
    expect(await (await post('/', ['GET', `${prefix}missing`])).json()).toEqual({ result: null });
    const bad = await post('/', ['INCR', k]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/not an integer/);
    expect((await post('/', { not: 'a command' })).status).toBe(400);
    expect((await post('/', ['MULTI'])).status).toBe(400);
  });

  it('base64-encodes every string but "OK" when asked (Upstash-Encoding: base64)', async () => {
    const k = `${prefix}b64`;
    const h = { 'upstash-encoding': 'base64' };
    expect(await (await post('/', ['SET', k, '积分'], h)).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['GET', k], h)).json()).toEqual({ result: Buffer.from('积分').toString('base64') });
    expect(await (await post('/', ['ECHO', 'PONG'], h)).json()).toEqual({ result: Buffer.from('PONG').toString('base64') });
  });

  it('runs /pipeline in order with per-command results and /multi-exec atomically', async () => {
    const k = `${prefix}p`;
    const res = await post('/pipeline', [
      ['SET', k, 'x'],
      ['INCR', k],
      ['SET', `${k}2`, 1, 'EX', 60],
      ['INCR', `${k}2`],
    ]);
    expect(await res.json()).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { result: 'OK' },
      { result: 2 },
    ]);
    const tx = await post('/multi-exec', [
      ['SET', `${k}3`, 0, 'EX', 60, 'NX'],
      ['INCR', `${k}3`],
      ['INCR', k],
    ]);
    expect(await tx.json()).toEqual([{ result: 'OK' }, { result: 1 }, { error: 'ERR value is not an integer or out of range' }]);
    const aborted = await post('/multi-exec', [['SET', `${k}4`, 1], ['NOSUCHCOMMAND']]);
    expect(aborted.status).toBe(400);
    expect((await aborted.json()).error).toMatch(/EXECABORT/);
    expect(await (await post('/', ['EXISTS', `${k}4`])).json()).toEqual({ result: 0 });
  });

  it('requires the bearer token (or _token) and supports the path form', async () => {
    const noAuth = await fetch(`${server.url}/get/${prefix}x`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '["PING"]' });
    expect(wrong.status).toBe(401);
    const k = encodeURIComponent(`${prefix}path`);
    expect(await (await fetch(`${server.url}/set/${k}/hello/EX/60?_token=${server.token}`)).json()).toEqual({ result: 'OK' });
    expect(await (await fetch(`${server.url}/get/${k}?_token=${server.token}`)).json()).toEqual({ result: 'hello' });
  });

  it('UpstashState never puts keys or values in its error messages', async () => {
    const state = new UpstashState({ url: server.url, token: 'wrong-token', prefix, retries: 0 });
    const err = await state.set('mem:secret-conversation', 'my phone is 13800000000').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Unauthorized/);
    expect((err as Error).message).not.toMatch(/13800000000|secret-conversation/);
  });

  it('configuration selects Upstash for the app (Node) and the turn pipeline uses it', async () => {
    const config = parseEnv({
      NODE_ENV: 'test',
      UPSTASH_REDIS_REST_URL: server.url,
      UPSTASH_REDIS_REST_TOKEN: server.token,
      STATE_PREFIX: prefix,
    });
    const state = createState(config);
    // Upstash behind the circuit breaker with its in-memory fallback (tests/faults/state-outage.test.ts).
    expect(state).toBeInstanceOf(ResilientState);
    expect(createState(parseEnv({ NODE_ENV: 'test' }))).toBeInstanceOf(MemoryState);
    expect(() => createState(parseEnv({ NODE_ENV: 'test', UPSTASH_REDIS_REST_URL: server.url }))).toThrow(/together/);
    await state.set('probe', '1', { ttlSeconds: 60 });
    expect(((await server.redis.command('GET', `${prefix}probe`)) as Buffer).toString()).toBe('1');
  });
});
