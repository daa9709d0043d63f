// Native channels are off without configuration (404 JSON), refuse half a configuration, and are in the API description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativeChannels } from '../../src/channels/native.js';
import { parseEnv } from '../../src/env.js';
import { silentLogger } from '../../src/lib/log.js';
import { MemoryState } from '../../src/state/memory.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('native channel configuration', () => {
  it('answers 404 JSON on every native route when nothing is configured', async () => {
    for (const [method, path] of [
      ['GET', '/api/channels/wechat?signature=x&timestamp=1&nonce=n&echostr=e'],
      ['POST', '/api/channels/wechat'],
      ['POST', '/api/channels/line'],
      ['POST', '/api/channels/telegram'],
    ]) {
      const res = await t.app.request(path, { method, body: method === 'POST' ? '{}' : undefined });
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toMatch(/not configured/);
      expect(body.error.requestId).toBeTruthy();
    }
    expect(t.deps.channels).toEqual({});
  });

  it('refuses half a configuration at start', () => {
    const build = (env: Record<string, string>) => () =>
      createNativeChannels({ config: parseEnv({ NODE_ENV: 'test', ...env }), state: new MemoryState(), log: silentLogger });
    expect(build({ WECHAT_APP_ID: 'wx1', WECHAT_TOKEN: 't' })).toThrow(/WECHAT_APP_SECRET/);
    expect(build({ WECHAT_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' })).toThrow(/WECHAT_APP_ID/);
    expect(build({ WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's', WECHAT_TOKEN: 't', WECHAT_ENCODING_AES_KEY: 'short' })).toThrow(
      /EncodingAESKey/,
    );
    expect(build({ LINE_CHANNEL_SECRET: 's' })).toThrow(/LINE_CHANNEL_ACCESS_TOKEN/);
    expect(build({ TELEGRAM_BOT_TOKEN: '1:x' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    const all = build({
      WECHAT_APP_ID: 'wx1',
      WECHAT_APP_SECRET: 's',
      WECHAT_TOKEN: 't',
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 'a',
      TELEGRAM_BOT_TOKEN: '1:x',
      TELEGRAM_WEBHOOK_SECRET: 'w',
    })();
    expect(Object.keys(all).sort()).toEqual(['line', 'telegram', 'wechat']);
    expect(all.wechat?.safeMode).toBe(false);
  });

  it('describes the webhooks and their signatures in /openapi.json', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/api/channels/wechat']).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/channels/line'].post.security).toEqual([{ lineSignature: [] }]);
    expect(doc.paths['/api/channels/telegram'].post.security).toEqual([{ telegramSecret: [] }]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(
      expect.arrayContaining(['wechatSignature', 'lineSignature', 'telegramSecret']),
    );
  });
});
