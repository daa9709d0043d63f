// Inbound Bot Framework authentication: real RS256 JWTs from a local OpenID issuer, through the whole app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotJwtValidator, CHANNEL_ISSUER, EMULATOR_ISSUERS } from '../../src/channels/botframework/jwt.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { startLocalIssuer, type LocalIssuer } from '../support/openid-server.js';

const APP_ID = 'app-id-123';
const now = () => Math.floor(Date.now() / 1000);

let channel: LocalIssuer;
let emulator: LocalIssuer;
let connector: LocalConnector;
let t: TestApp;

beforeAll(async () => {
  [channel, emulator, connector] = await Promise.all([
    startLocalIssuer({ endorsements: ['emulator', 'msteams'] }),
    startLocalIssuer(),
    startLocalConnector(),
  ]);
  t = await createTestApp({
    env: {
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'secret',
      BOT_TOKEN_URL: `${connector.url}/oauth2/token`,
      BOT_OPENID_METADATA_URL: channel.metadataUrl,
      BOT_EMULATOR_OPENID_METADATA_URL: emulator.metadataUrl,
    },
  });
});
afterAll(async () => {
  await Promise.all([channel.close(), emulator.close(), connector.close()]);
  t.close();
});

const channelClaims = (over: Record<string, unknown> = {}) => ({
  iss: CHANNEL_ISSUER,
  aud: APP_ID,
  exp: now() + 600,
  nbf: now() - 10,
  serviceurl: connector.url,
  ...over,
});

async function send(token: string | undefined, activity = emulatorActivity(connector.url, 'stranger', 'hello')) {
  const res = await t.app.request('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
  return { res, activity };
}

describe('inbound JWT validation', () => {
  it('accepts a channel token signed by a published key and replies with an outbound token', async () => {
    const { res, activity } = await send(await channel.sign(channelClaims()));
    expect(res.status).toBe(200);
    const reply = connector.captured.find((c) => c.replyToId === activity.id);
    expect(reply?.authorization).toBe(`Bearer token-for-${APP_ID}`);
  });

  it('refuses tokens that fail any check with 401', async () => {
    const bad: [string, string | undefined][] = [
      ['no token', undefined],
      ['not a JWT', 'abc.def'],
      ['wrong audience', await channel.sign(channelClaims({ aud: 'someone-else' }))],
      ['expired beyond the skew', await channel.sign(channelClaims({ exp: now() - 400 }))],
      ['not yet valid', await channel.sign(channelClaims({ nbf: now() + 900 }))],
      ['untrusted issuer', await channel.sign(channelClaims({ iss: 'https://evil.example' }))],
      ['serviceUrl mismatch', await channel.sign(channelClaims({ serviceurl: 'https://elsewhere.example' }))],
      ['signed by an unpublished key', await channel.sign(channelClaims(), { keyId: 'unpublished' })],
      ['unknown key id', await channel.sign(channelClaims(), { keyId: 'key-9' })],
      ['alg none', (await channel.sign(channelClaims(), { alg: 'none' })).split('.').slice(0, 2).join('.') + '.'],
    ];
    for (const [why, token] of bad) {
      const { res } = await send(token);
      expect(res.status, why).toBe(401);
      expect((await res.json()).error.code, why).toBe('unauthorized');
    }
  });

  it('tampering with the payload breaks the signature', async () => {
    const token = await channel.sign(channelClaims());
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify(channelClaims({ aud: APP_ID, extra: 'forged' }))).toString('base64url');
    expect((await send(`${h}.${forged}.${s}`)).res.status).toBe(401);
  });

  it('enforces key endorsements for the channel', async () => {
    const activity = { ...emulatorActivity(connector.url, 'stranger', 'hi'), channelId: 'slack' };
    expect((await send(await channel.sign(channelClaims()), activity)).res.status).toBe(401);
  });

  it('accepts Emulator (AAD) tokens carrying our app id in appid (v1) or azp (v2), and nothing else', async () => {
    const base = { aud: APP_ID, exp: now() + 600 };
    const v1 = await emulator.sign({ ...base, iss: EMULATOR_ISSUERS[0], ver: '1.0', appid: APP_ID });
    const v2 = await emulator.sign({ ...base, iss: EMULATOR_ISSUERS[1], ver: '2.0', azp: APP_ID });
    expect((await send(v1)).res.status).toBe(200);
    expect((await send(v2)).res.status).toBe(200);
    const other = await emulator.sign({ ...base, iss: EMULATOR_ISSUERS[0], ver: '1.0', appid: 'other-app' });
    const noVer = await emulator.sign({ ...base, iss: EMULATOR_ISSUERS[0], appid: APP_ID });
    // A channel-issuer token signed with the Emulator's key is not a channel token.
    const crossed = await emulator.sign(channelClaims());
    for (const token of [other, noVer, crossed]) expect((await send(token)).res.status).toBe(401);
  });

  it('caches signing keys instead of fetching them per request', async () => {
    const validator = new BotJwtValidator({ appId: APP_ID, channelMetadataUrl: channel.metadataUrl });
    const before = channel.jwksFetches;
    for (let i = 0; i < 5; i++) {
      await validator.validate(`Bearer ${await channel.sign(channelClaims())}`, { channelId: 'emulator', serviceUrl: connector.url });
    }
    expect(channel.jwksFetches - before).toBe(1);
  });
});
