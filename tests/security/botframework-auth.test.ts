// Inbound Bot Framework authentication: real RS256 JWTs from a local OpenID issuer, through the whole app over real
// HTTP. Every refused token is a 401 JSON and no connector (the vouched one or an attacker's) hears anything.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationReferences } from '../../db/schema/index.js';
import { BotJwtValidator, CHANNEL_ISSUER, EMULATOR_ISSUERS } from '../../src/channels/botframework/jwt.js';
import { parseEnv } from '../../src/env.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, seedProgram } from '../support/fixtures.js';
import { startLocalIssuer, type LocalIssuer } from '../support/openid-server.js';
import { startServer, type RunningServer } from '../support/server.js';

const APP_ID = 'app-id-123';
const now = () => Math.floor(Date.now() / 1000);

let channel: LocalIssuer;
let emulator: LocalIssuer;
let connector: LocalConnector;
/** Where a forged activity asks the reply to go: it must never be called. */
let evil: LocalConnector;
let t: TestApp;
let server: RunningServer;

beforeAll(async () => {
  [channel, emulator, connector, evil] = await Promise.all([
    startLocalIssuer({ endorsements: ['emulator', 'msteams'] }),
    startLocalIssuer(),
    startLocalConnector(),
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
  await seedProgram(t.store);
  await addMember(t.store, t.deps.domain.clock, {
    id: 'V1',
    name: 'Vera Victim',
    identity: { channelId: 'emulator', channelUserId: 'victim' },
  });
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await Promise.all([channel.close(), emulator.close(), connector.close(), evil.close(), server.close()]);
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
  const res = await fetch(`${server.url}/api/messages`, {
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

  /** Every way a token can be wrong, each alone (the rest of the token is valid). */
  async function badTokens(): Promise<[string, string | undefined][]> {
    const good = await channel.sign(channelClaims());
    const [h, p, sig] = good.split('.');
    const flipped = Buffer.from(sig, 'base64url');
    flipped[10] ^= 0xff;
    return [
      ['no token', undefined],
      ['not a JWT', 'abc.def'],
      ['bad signature', `${h}.${p}.${flipped.toString('base64url')}`],
      ['wrong audience', await channel.sign(channelClaims({ aud: 'someone-else' }))],
      ['no audience', await channel.sign(channelClaims({ aud: undefined }))],
      ['expired beyond the skew', await channel.sign(channelClaims({ exp: now() - 400 }))],
      ['no expiry', await channel.sign(channelClaims({ exp: undefined }))],
      ['not yet valid', await channel.sign(channelClaims({ nbf: now() + 900 }))],
      ['wrong issuer', await channel.sign(channelClaims({ iss: 'https://evil.example' }))],
      ['serviceUrl claim for another connector', await channel.sign(channelClaims({ serviceurl: 'https://elsewhere.example' }))],
      ['no serviceUrl claim', await channel.sign(channelClaims({ serviceurl: undefined }))],
      ['signed by an unpublished key', await channel.sign(channelClaims(), { keyId: 'unpublished' })],
      ['unknown signing key id', await channel.sign(channelClaims(), { keyId: 'key-9' })],
      ['alg none', (await channel.sign(channelClaims(), { alg: 'none' })).split('.').slice(0, 2).join('.') + '.'],
      ['alg HS256', await channel.sign(channelClaims(), { alg: 'HS256' })],
      [
        'Emulator token for another app',
        await emulator.sign({ aud: APP_ID, exp: now() + 600, iss: EMULATOR_ISSUERS[0], ver: '1.0', appid: 'other' }),
      ],
    ];
  }

  it('refuses tokens that fail any check with 401 JSON, and no connector hears a thing', async () => {
    const calls = () => connector.captured.length + connector.tokenRequests + evil.captured.length + evil.tokenRequests;
    const before = calls();
    for (const [why, token] of await badTokens()) {
      // The activity names the vouched connector, then an attacker's: neither may be called.
      for (const serviceUrl of [connector.url, evil.url]) {
        const { res, activity } = await send(token, emulatorActivity(serviceUrl, 'stranger', 'hello'));
        expect(res.status, why).toBe(401);
        expect(res.headers.get('content-type'), why).toContain('application/json');
        expect((await res.json()).error.code, why).toBe('unauthorized');
        expect(
          connector.captured.some((c) => c.replyToId === activity.id),
          why,
        ).toBe(false);
      }
    }
    expect(calls()).toBe(before);
  });

  it('a valid token vouches for one serviceUrl only: an activity naming another is refused', async () => {
    const token = await channel.sign(channelClaims());
    const { res } = await send(token, emulatorActivity(evil.url, 'stranger', 'hello'));
    expect(res.status).toBe(401);
    expect(evil.captured).toHaveLength(0);
    expect(evil.tokenRequests).toBe(0);
  });

  it('proactive sends go to the vouched serviceUrl stored by an authenticated turn, never to a forged one', async () => {
    const conversationId = 'emulator:conv-victim';
    const ok = await send(await channel.sign(channelClaims()), emulatorActivity(connector.url, 'victim', 'hello'));
    expect(ok.res.status).toBe(200);
    const stored = async () =>
      (await t.store.db.select().from(conversationReferences).where(eq(conversationReferences.conversationId, conversationId)))[0];
    expect((await stored()).reference.serviceUrl).toBe(connector.url);
    // The attacker replays the victim's conversation pointing at their own connector, with every bad token,
    // and again after the hourly refresh of the reference is due.
    await t.deps.state.del(`ref:${conversationId}`);
    for (const [why, token] of await badTokens()) {
      const { res } = await send(token, emulatorActivity(evil.url, 'victim', 'what is my balance'));
      expect(res.status, why).toBe(401);
    }
    expect((await stored()).reference.serviceUrl).toBe(connector.url);
    const before = connector.captured.length;
    expect((await t.deps.outbound.send(conversationId, [{ text: 'An agent will reply here.' }])).status).toBe('sent');
    expect(connector.captured.slice(before).map((c) => c.activity.text)).toEqual(['An agent will reply here.']);
    expect(evil.captured).toHaveLength(0);
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

describe('production without Bot Framework credentials', () => {
  const activityFor = (url: string) => emulatorActivity(url, 'stranger', 'hello');
  const post = (app: TestApp, activity: unknown) =>
    app.app.request('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

  it('refuses every activity with 401 unless BOT_ALLOW_UNAUTHENTICATED=true', async () => {
    expect(parseEnv({}).BOT_ALLOW_UNAUTHENTICATED).toBeUndefined();
    const prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    const allowed = await createTestApp({ env: { NODE_ENV: 'production', BOT_ALLOW_UNAUTHENTICATED: 'true' } });
    const dev = await createTestApp();
    try {
      const refused = activityFor(evil.url);
      const res = await post(prod, refused);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
      expect(evil.captured).toHaveLength(0);
      // An explicit opt-in (and development, as the Emulator expects) answers unauthenticated activities.
      for (const app of [allowed, dev]) {
        const a = activityFor(connector.url);
        expect((await post(app, a)).status).toBe(200);
        expect(connector.captured.some((c) => c.replyToId === a.id)).toBe(true);
      }
    } finally {
      prod.close();
      allowed.close();
      dev.close();
    }
  });
});
