// Property-based fuzzing of the public HTTP surface over real HTTP: malformed, oversized, wrongly typed and wrongly
// encoded inputs never produce a 5xx, every 4xx is a JSON error, and the server keeps answering.
//
// Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> npx vitest run tests/security/fuzz-http.test.ts
// FUZZ_SCALE multiplies every run count (FUZZ_SCALE=10 for a long soak; the default suits a busy 2-core box).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/app.js';
import { CHANNEL_ISSUER } from '../../src/channels/botframework/jwt.js';
import { signToken, hmacHex } from '../../src/lib/crypto.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_ORDER_SECRET, TEST_WEBCHAT_SECRET, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { lineEvent, lineSignature } from '../support/line.js';
import { startLocalIssuer, type LocalIssuer } from '../support/openid-server.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, login } from '../support/staff.js';
import { postPush, pushXml, type WechatAccount } from '../support/wechat.js';

const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const params = (n: number) => ({ seed: FUZZ_SEED, numRuns: runs(n) });
// Longer runs get proportionally longer per-test timeouts.
vi.setConfig({ testTimeout: 30_000 * Math.max(1, SCALE) });

const APP_ID = 'fuzz-app-id';
const TELEGRAM_SECRET = 'fuzz-telegram-secret';
const LINE_SECRET = 'fuzz-line-secret';
const WECHAT: WechatAccount = { token: 'fuzz-wechat-token', appId: 'wxfuzz', account: 'gh_fuzz' };
const clock = fixedClock(new Date().toISOString());

let issuer: LocalIssuer;
let connector: LocalConnector;
let authed: TestApp;
let open: TestApp;
let authedServer: RunningServer;
let openServer: RunningServer;
let botToken: string;
let sessionToken: string;
/** Every request the fuzzer sent, per target (the README quotes these). */
const sent: Record<string, number> = {};

// ---- what a response must look like ---------------------------------------------------------------------------

interface Seen {
  status: number;
  body: unknown;
}

async function sane(label: string, res: Response): Promise<Seen> {
  sent[label] = (sent[label] ?? 0) + 1;
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${label}: ${res.status} ${text.slice(0, 300)}`);
  let body: unknown = null;
  if (res.status >= 400) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('application/json')) throw new Error(`${label}: ${res.status} with content-type ${type}: ${text.slice(0, 200)}`);
    body = JSON.parse(text);
    const err = (body as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof err?.code !== 'string' || typeof err.message !== 'string')
      throw new Error(`${label}: ${res.status} body ${text.slice(0, 200)}`);
  }
  return { status: res.status, body };
}

/**
 * A header value fetch can send (printable ASCII), at most 2 KB: Node itself answers 431 without a body to request
 * heads over 16 KB, before the app sees them.
 */
const header = (v: string) => v.replace(/[^\x21-\x7e]/g, '').slice(0, 2000);

async function alive(base: string) {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
}

// ---- generators -----------------------------------------------------------------------------------------------

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202E',
  '💥'.repeat(3000),
  'a'.repeat(70_000),
  '../../../etc/passwd',
  '%00%ff',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{{system}}',
  '${process.env.ADMIN_TOKEN}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  '0x10',
  'null',
  'true',
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
  { weight: 2, arbitrary: nasty },
);
const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -0),
  text,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

function setOwn(o: Record<string, unknown>, k: string, v: unknown) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A valid object with some fields dropped, some replaced by wrongly typed values, and some extra keys. */
function mutate(valid: Record<string, unknown>, nested: Record<string, fc.Arbitrary<unknown>> = {}) {
  const keys = Object.keys(valid);
  const field = fc.constantFrom(...keys, '__proto__', 'constructor', 'extra');
  return fc
    .record({
      drop: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
      set: fc.array(fc.tuple(field, fc.oneof(wrongTyped, ...Object.values(nested))), { maxLength: 3 }),
      deep: fc.array(
        fc.tuple(
          fc.constantFrom(...(Object.keys(nested).length ? Object.keys(nested) : keys)),
          fc.oneof(...(Object.values(nested).length ? Object.values(nested) : [wrongTyped])),
        ),
        { maxLength: 2 },
      ),
    })
    .map(({ drop, set, deep }) => {
      const o: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
      for (const k of drop) delete o[k];
      for (const [k, v] of [...set, ...deep]) setOwn(o, k, v);
      return o;
    });
}

const enc = new TextEncoder();
/** Raw bodies: JSON of a value, broken JSON, random bytes, invalid UTF-8, UTF-16, deep nesting. */
function bodiesOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => enc.encode(JSON.stringify(v) ?? 'undefined')) },
    { weight: 1, arbitrary: value.map((v) => enc.encode((JSON.stringify(v) ?? '').slice(0, -1))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(value, fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]))
        .map(([v, bad]) => {
          const good = enc.encode(JSON.stringify(v) ?? '""');
          const at = Math.max(1, Math.floor(good.length / 2));
          return Uint8Array.from([...good.slice(0, at), ...bad, ...good.slice(at)]);
        }),
    },
    { weight: 1, arbitrary: value.map((v) => new Uint8Array(Buffer.from(`\ufeff${JSON.stringify(v) ?? ''}`, 'utf16le'))) },
    { weight: 1, arbitrary: value.map((v) => enc.encode(`\ufeff${JSON.stringify(v) ?? ''}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => enc.encode('['.repeat(n) + ']'.repeat(n))) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '""', '1', '{"a":', '{}}', 'a=1&b=2').map((s) => enc.encode(s)) },
  );
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zzz',
      'application/xml',
      'application/json; charset=utf-16',
      'application/octet-stream',
      '*/*',
      'nonsense',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

interface Shot {
  body: Uint8Array;
  type: string | undefined;
}
const shots = (value: fc.Arbitrary<unknown>) => fc.record({ body: bodiesOf(value), type: contentType });

function post(url: string, shot: Shot, headers: Record<string, string> = {}, method = 'POST') {
  return fetch(url, {
    method,
    headers: { ...(shot.type === undefined ? {} : { 'content-type': shot.type }), ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : (shot.body as Uint8Array<ArrayBuffer>),
  });
}

// ---- the apps -------------------------------------------------------------------------------------------------

beforeAll(async () => {
  [issuer, connector] = await Promise.all([startLocalIssuer({ endorsements: ['emulator', 'msteams'] }), startLocalConnector()]);
  authed = await createTestApp({
    clock,
    env: {
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'secret',
      BOT_TOKEN_URL: `${connector.url}/oauth2/token`,
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
      BOT_EMULATOR_OPENID_METADATA_URL: issuer.metadataUrl,
      RATE_LIMIT_PER_MINUTE: '100000',
      TELEGRAM_BOT_TOKEN: '123:fuzz',
      TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      // Nothing listens there: sends fail fast, which the channel must absorb without a 5xx.
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: 'fuzz-line-token',
      LINE_API_BASE: 'http://127.0.0.1:9',
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: 'fuzz-wechat-secret',
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_API_BASE: 'http://127.0.0.1:9',
    },
  });
  open = await createTestApp({ clock, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  for (const t of [authed, open]) {
    await seedProgram(t.store);
    await addMember(t.store, clock, { id: 'F1', name: 'Fuzz One', identity: { channelId: 'emulator', channelUserId: 'fuzz-user' } });
    await addMember(t.store, clock, { id: 'F2', name: '模糊二', locale: 'zh-CN' });
  }
  [authedServer, openServer] = await Promise.all([startServer(authed.app.fetch), startServer(open.app.fetch)]);
  const now = Math.floor(Date.now() / 1000);
  botToken = await issuer.sign({ iss: CHANNEL_ISSUER, aud: APP_ID, exp: now + 3600, nbf: now - 10, serviceurl: connector.url });
  const session = await fetch(`${authedServer.url}/api/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ memberToken: await signToken(TEST_WEBCHAT_SECRET, { sub: 'F1', exp: now + 3600 }) }),
  });
  sessionToken = ((await session.json()) as { sessionToken: string }).sessionToken;
});

afterAll(async () => {
  await Promise.all([authedServer?.close(), openServer?.close(), issuer?.close(), connector?.close()]);
  authed?.close();
  open?.close();
  console.info(`fuzz: seed ${FUZZ_SEED}, requests per target ${JSON.stringify(sent)}`);
});

// ---- Bot Framework ----------------------------------------------------------------------------------------------

let act = 0;
const nestedActivity = {
  from: mutate({ id: 'fuzz-user', name: 'User' }),
  conversation: mutate({ id: 'conv-fuzz' }),
  entities: fc.array(fc.oneof(wrongTyped, mutate({ type: 'mention', text: '<at>bot</at>', mentioned: { id: 'bot' } })), { maxLength: 3 }),
  attachments: fc.array(wrongTyped, { maxLength: 3 }),
  membersAdded: fc.array(fc.oneof(wrongTyped, mutate({ id: 'fuzz-user' })), { maxLength: 3 }),
  value: wrongTyped,
  channelData: wrongTyped,
  suggestedActions: wrongTyped,
  type: fc.constantFrom(
    'message',
    'conversationUpdate',
    'invoke',
    'event',
    'messageReaction',
    'typing',
    'endOfConversation',
    'installationUpdate',
  ),
  text,
  locale: fc.oneof(text, fc.constantFrom('zh-CN', 'en-US', 'xx', 'zh-Hant-TW-u-nu-hanidec')),
  channelId: fc.constantFrom('emulator', 'msteams', 'slack', ''),
  serviceUrl: fc.oneof(fc.constant('CONNECTOR'), text, fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'http://')),
};
const activities = fc.integer().chain(() => {
  act += 1;
  const valid = emulatorActivity('CONNECTOR', 'fuzz-user', 'hello', { id: `fz-${act}`, conversation: { id: 'conv-fuzz' } });
  return mutate(valid, nestedActivity);
});
/** The connector stands for every URL that the token vouches for; other generated URLs stay as they are. */
const withConnector = (v: unknown) => JSON.parse(JSON.stringify(v ?? null).replaceAll('"CONNECTOR"', JSON.stringify(connector.url)));

describe('POST /api/messages', () => {
  it('authenticated (valid channel token): malformed activities never break the turn', async () => {
    await fc.assert(
      fc.asyncProperty(shots(activities), async (shot) => {
        const body = new TextDecoder().decode(shot.body);
        const fixed = { ...shot, body: enc.encode(body.replaceAll('"CONNECTOR"', JSON.stringify(connector.url))) };
        await sane('messages (token)', await post(`${authedServer.url}/api/messages`, fixed, { authorization: `Bearer ${botToken}` }));
      }),
      params(500),
    );
    await alive(authedServer.url);
  });

  it('unauthenticated on a bot with credentials: always 400 or 401, never a reply', async () => {
    const before = connector.captured.length;
    await fc.assert(
      fc.asyncProperty(shots(activities.map(withConnector)), fc.option(text, { nil: undefined }), async (shot, auth) => {
        const headers: Record<string, string> = auth === undefined ? {} : { authorization: `Bearer ${header(auth)}` };
        const r = await sane('messages (no/bad token)', await post(`${authedServer.url}/api/messages`, shot, headers));
        expect([400, 401, 413, 415]).toContain(r.status);
      }),
      params(200),
    );
    expect(connector.captured.length).toBe(before);
  });

  it('without credentials (Emulator mode): malformed activities never break the turn', async () => {
    await fc.assert(
      fc.asyncProperty(shots(activities.map(withConnector)), async (shot) => {
        await sane('messages (emulator)', await post(`${openServer.url}/api/messages`, shot));
      }),
      params(300),
    );
    await alive(openServer.url);
  });
});

// ---- order webhook --------------------------------------------------------------------------------------------

let orderSeq = 0;
const orders = fc.integer().chain(() => {
  orderSeq += 1;
  return mutate(
    {
      orderId: `FZ-${orderSeq}`,
      memberId: 'F1',
      status: 'paid',
      orderedAt: '2026-05-01T00:00:00Z',
      paidAt: '2026-05-01T00:00:00Z',
      lines: [{ productId: 'P1', quantity: 1, amount: '15.00' }],
    },
    {
      lines: fc.array(mutate({ productId: 'P1', quantity: 1, amount: '15.00' }), { maxLength: 3 }),
      status: fc.constantFrom('paid', 'refunded', 'shipped', 'delivered', 'cancelled', 'created', 'PAID'),
      memberId: fc.constantFrom('F1', 'F2', 'nobody', ''),
      amount: fc.constantFrom('-1', '0', '1e9', '99999999999999999999', '1.234', 'NaN', '¥15'),
    },
  );
});

async function signedOrder(shot: Shot) {
  const ts = String(Math.floor(Date.now() / 1000));
  const raw = new TextDecoder().decode(shot.body);
  const sig = await hmacHex(TEST_ORDER_SECRET, `${ts}.${raw}`);
  // What is signed is what is sent: the decoded text, re-encoded (invalid bytes become U+FFFD on both sides).
  return post(`${authedServer.url}/api/orders`, { ...shot, body: enc.encode(raw) }, { 'x-timestamp': ts, 'x-signature': `sha256=${sig}` });
}

describe('POST /api/orders', () => {
  it('signed but malformed order events are 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(shots(orders), async (shot) => {
        await sane('orders (signed)', await signedOrder(shot));
      }),
      params(300),
    );
    await alive(authedServer.url);
  });

  it('unsigned or badly signed: 401 (or 413 when too big)', async () => {
    await fc.assert(
      fc.asyncProperty(shots(orders), fc.record({ ts: fc.option(text), sig: fc.option(text) }), async (shot, h) => {
        const headers: Record<string, string> = {};
        if (h.ts !== null) headers['x-timestamp'] = header(h.ts);
        if (h.sig !== null) headers['x-signature'] = header(h.sig);
        const r = await sane('orders (unsigned)', await post(`${authedServer.url}/api/orders`, shot, headers));
        expect([401, 413]).toContain(r.status);
      }),
      params(150),
    );
  });
});

// ---- web chat --------------------------------------------------------------------------------------------------

describe('web chat API', () => {
  it('POST /api/webchat/session with malformed tokens and bodies', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bodies = fc.oneof(mutate({ memberToken: 'x'.repeat(12) }, { memberToken: text }), mutate({ demoMemberId: 'F1' }));
    // Signed member tokens with wrongly typed claims (a shop bug, not an attacker) must not break the session route.
    const signed = fc.record({ sub: wrongTyped, exp: fc.constantFrom(now + 600, now - 600) });
    await fc.assert(
      fc.asyncProperty(shots(bodies), async (shot) => {
        await sane('webchat session', await post(`${authedServer.url}/api/webchat/session`, shot));
      }),
      params(150),
    );
    await fc.assert(
      fc.asyncProperty(signed, async (claims) => {
        const memberToken = await signToken(TEST_WEBCHAT_SECRET, claims as { exp: number });
        await sane(
          'webchat session',
          await post(`${openServer.url}/api/webchat/session`, {
            body: enc.encode(JSON.stringify({ memberToken })),
            type: 'application/json',
          }),
        );
      }),
      params(60),
    );
  });

  it('POST /api/webchat/messages with a valid session and malformed messages', async () => {
    let n = 0;
    const messages = fc.integer().chain(() => mutate({ text: 'hello', clientMessageId: `fz-${++n}` }, { text }));
    await fc.assert(
      fc.asyncProperty(shots(messages), async (shot) => {
        await sane(
          'webchat messages',
          await post(`${authedServer.url}/api/webchat/messages`, shot, { authorization: `Bearer ${sessionToken}` }),
        );
      }),
      params(300),
    );
    await fc.assert(
      fc.asyncProperty(shots(messages), text, async (shot, token) => {
        const headers = { authorization: `Bearer ${header(token)}` };
        const r = await sane('webchat messages (bad session)', await post(`${authedServer.url}/api/webchat/messages`, shot, headers));
        expect([400, 401, 413, 415]).toContain(r.status);
      }),
      params(100),
    );
    await alive(authedServer.url);
  });

  it('GET /api/webchat/events with malformed cursors', async () => {
    const q = fc.record({
      after: fc.oneof(text, fc.integer().map(String)),
      wait: fc.constantFrom('0', '-1', 'abc', '26', '1e9', '0.5', ''),
    });
    await fc.assert(
      fc.asyncProperty(q, async ({ after, wait }) => {
        const qs = new URLSearchParams({ after: after.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 1000), wait }).toString();
        await sane(
          'webchat events',
          await fetch(`${authedServer.url}/api/webchat/events?${qs}`, { headers: { authorization: `Bearer ${sessionToken}` } }),
        );
      }),
      params(100),
    );
  });
});

// ---- staff, admin and agent JSON API --------------------------------------------------------------------------

describe('staff, admin and agent API', () => {
  it('every route, with an admin token: fuzzed path parameters, queries and bodies', async () => {
    const routes = authed.app.routes.filter(
      (r) =>
        r.method !== 'ALL' &&
        /^\/api\/(admin|staff|agent)\//.test(r.path) &&
        // Server-sent events hold the connection open by design.
        r.path !== '/api/agent/events',
    );
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(unique.length).toBeGreaterThan(20);
    // Path segments as sent on the wire: encoded text, and raw malformed percent escapes.
    const param = fc.oneof(
      text.map((v) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 1000))),
      fc.constantFrom('F1', 'F2', '1', '0', '-1', 'admin-token', '%', '%zz', '%ff', '%c3%28', '%E0%A4%A', '%2e%2e', '%00'),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'limit',
        'status',
        'action',
        'channel',
        'channelUserId',
        'k',
        'minPrice',
        'maxPrice',
        'lang',
        'from',
        'to',
        'category',
        'q',
        'cursor',
        'after',
      ),
      text,
      { maxKeys: 4 },
    );
    const bodyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      mutate({ email: 'fz@staff.test', name: 'Fz', role: 'agent', active: true, displayName: 'F', password: 'long-enough-pw' }),
      mutate({ text: 'hi', note: 'n', title: 'T', body: 'B', name: 'n', score: 5, locale: 'en', reason: 'r' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...unique), param, param, query, shots(bodyValue), async (route, p1, p2, q, shot) => {
        let i = 0;
        const path = route.path.replace(/:\w+/g, () => (i++ === 0 ? p1 : p2));
        const qs = new URLSearchParams(
          Object.entries(q).map(([k, v]) => [k, v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 1000)]),
        ).toString();
        const res = await post(
          `${authedServer.url}${path}${qs ? `?${qs}` : ''}`,
          shot,
          { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
          route.method,
        );
        await sane(`${route.method} ${route.path}`.startsWith('GET') ? 'staff API (GET)' : 'staff API (write)', res);
      }),
      params(700),
    );
    await alive(authedServer.url);
  });
});

describe('staff, admin and agent API without valid credentials', () => {
  it('every route answers 401 JSON to no token, a wrong bearer token or a forged session cookie (and 403 never leaks data)', async () => {
    const routes = [
      ...new Map(
        authed.app.routes
          .filter((r) => r.method !== 'ALL' && /^\/api\/(admin|staff|agent)\//.test(r.path))
          .map((r) => [`${r.method} ${r.path}`, r]),
      ).values(),
    ];
    const creds = fc.oneof(
      fc.constant<Record<string, string>>({}),
      text.map((v) => ({ authorization: `Bearer ${header(v) || 'x'}` })),
      fc
        .constantFrom(
          'Basic YWRtaW46YWRtaW4=',
          'Bearer',
          'bearer test-admin-token ',
          `Bearer ${TEST_ADMIN_TOKEN}x`,
          'Token test-admin-token',
        )
        .map((v) => ({ authorization: v })),
      text.map((v) => ({ cookie: `ma_staff=${header(v) || 'x'}` })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), creds, async (route, headers) => {
        const path = route.path.replace(/:\w+/g, 'F1');
        const res = await fetch(`${authedServer.url}${path}`, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...headers },
          body: route.method === 'GET' ? undefined : '{}',
        });
        const r = await sane('staff API (no credentials)', res);
        expect(r.status, `${route.method} ${route.path}`).toBe(401);
      }),
      params(300),
    );
  });
});

// ---- console forms ---------------------------------------------------------------------------------------------

describe('console forms', () => {
  it('every console POST route, signed in as an admin with the CSRF token: fuzzed form fields never get a 5xx', async () => {
    const admin = await addStaff(authed.deps, 'admin');
    // Real accounts for the :id routes; never the signed-in admin (a reset of its own password would end the run).
    const target = await addStaff(authed.deps, 'agent');
    let s = await login(authedServer.url, admin.email, admin.password);
    const routes = [
      ...new Set(
        authed.app.routes
          .filter(
            (r) => r.method === 'POST' && r.path.startsWith('/console/') && r.path !== '/console/logout' && r.path !== '/console/login',
          )
          .map((r) => r.path),
      ),
    ];
    expect(routes.length).toBeGreaterThan(10);
    const field = fc.constantFrom(
      'text',
      'note',
      'title',
      'email',
      'name',
      'role',
      'active',
      'locale',
      'score',
      'password',
      'displayName',
      'id',
      'reason',
      'value',
      'key',
      'kind',
    );
    const form = fc.dictionary(
      field,
      fc
        .oneof(text, fc.constantFrom('on', 'true', '1', 'admin', 'agent', 'en', 'zh-CN'))
        .map((v) => v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 5000)),
      { maxKeys: 6 },
    );
    const param = fc.oneof(
      fc.constantFrom('x', '1', 'F1', target.id, '%ff', '..'),
      text.map((v) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 200))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), param, form, fc.boolean(), async (route, p, fields, multipart) => {
        const path = route.replace(/:\w+/g, p);
        const body = multipart ? new FormData() : new URLSearchParams();
        body.append('_csrf', s.csrf);
        for (const [k, v] of Object.entries(fields)) body.append(k, v);
        const res = await fetch(`${authedServer.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: s.cookie }, body });
        sent['console forms'] = (sent['console forms'] ?? 0) + 1;
        const textBody = await res.text();
        if (res.status >= 500) throw new Error(`POST ${route}: ${res.status} ${textBody.slice(0, 300)}`);
        // Every request must reach its handler signed in: never fuzz a signed-out console.
        if (res.status === 401 || (res.headers.get('location') ?? '').startsWith('/console/login')) {
          if (!(await fetch(`${authedServer.url}/api/staff/me`, { headers: { cookie: s.cookie } })).ok)
            s = await login(authedServer.url, admin.email, admin.password);
        }
      }),
      params(450),
    );
    await alive(authedServer.url);
  });

  it('every console page, signed in as an admin: fuzzed path parameters and queries never get a 5xx', async () => {
    const admin = await addStaff(authed.deps, 'admin');
    const s = await login(authedServer.url, admin.email, admin.password);
    const pages = [
      ...new Set(
        authed.app.routes
          .filter((r) => r.method === 'GET' && r.path.startsWith('/console') && !r.path.includes('*') && !r.path.endsWith('/events'))
          .map((r) => r.path),
      ),
    ];
    expect(pages.length).toBeGreaterThan(10);
    const value = fc
      .oneof(text, fc.constantFrom('0', '-1', 'abc', '1e309', '9999999999999', 'csat', 'nps', 'pending', '2026-13-45'))
      .map((v) => v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 500));
    const query = fc.dictionary(
      fc.constantFrom(
        'before',
        'after',
        'staffId',
        'action',
        'status',
        'kind',
        'from',
        'to',
        'days',
        'page',
        'q',
        'next',
        'notice',
        'mode',
        'locale',
        'category',
      ),
      value,
      { maxKeys: 4 },
    );
    const param = fc.oneof(
      fc.constantFrom('x', '1', admin.id, '%ff'),
      text.map((v) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 200))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pages), param, query, async (route, p, q) => {
        const qs = new URLSearchParams(q).toString();
        const res = await fetch(`${authedServer.url}${route.replace(/:\w+/g, p)}${qs ? `?${qs}` : ''}`, {
          redirect: 'manual',
          headers: { cookie: s.cookie },
        });
        sent['console pages'] = (sent['console pages'] ?? 0) + 1;
        const body = await res.text();
        if (res.status >= 500) throw new Error(`GET ${route}: ${res.status} ${body.slice(0, 300)}`);
      }),
      params(300),
    );
  });
});

// ---- native channel webhooks ------------------------------------------------------------------------------------

describe('native channel webhooks', () => {
  it('Telegram with its secret header: malformed updates are absorbed', async () => {
    let n = 0;
    const updates = fc.integer().chain(() =>
      mutate(
        {
          update_id: ++n,
          message: {
            message_id: n,
            date: 1,
            chat: { id: 42, type: 'private' },
            from: { id: 42, is_bot: false, first_name: 'F' },
            text: 'hi',
          },
        },
        {
          message: mutate({
            message_id: 1,
            date: 1,
            chat: { id: 42, type: 'private' },
            from: { id: 42, is_bot: false, first_name: 'F' },
            text: 'hi',
          }),
          callback_query: wrongTyped,
          my_chat_member: wrongTyped,
        },
      ),
    );
    await fc.assert(
      fc.asyncProperty(shots(updates), async (shot) => {
        await sane(
          'telegram',
          await post(`${authedServer.url}/api/channels/telegram`, shot, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
        );
      }),
      params(150),
    );
  });

  it('LINE with a valid signature: malformed webhook bodies are absorbed', async () => {
    const events = fc.array(
      fc.oneof(
        wrongTyped,
        mutate(lineEvent('Ufuzz', { type: 'message', message: { type: 'text', id: '1', text: 'hi' } }, 'rt'), {
          message: mutate({ type: 'text', id: '1', text: 'hi' }, { text }),
          source: mutate({ type: 'user', userId: 'Ufuzz' }),
          type: fc.constantFrom('message', 'postback', 'follow', 'unfollow', 'join', 'memberJoined', 'things'),
          postback: mutate({ data: 'x' }, { data: text }),
        }),
      ),
      { maxLength: 3 },
    );
    const bodies = fc.oneof(mutate({ destination: 'Ubot', events: [] }, { events }), wrongTyped);
    await fc.assert(
      fc.asyncProperty(shots(bodies), async (shot) => {
        const raw = new TextDecoder().decode(shot.body);
        const headers = { 'x-line-signature': lineSignature(LINE_SECRET, raw) };
        await sane('line', await post(`${authedServer.url}/api/channels/line`, { ...shot, body: enc.encode(raw) }, headers));
      }),
      params(150),
    );
  });

  it('WeChat with a valid signature: malformed XML pushes are absorbed', async () => {
    const field = fc.oneof(text, fc.integer().map(String), fc.constantFrom('text', 'event', 'subscribe', 'unsubscribe', 'CLICK', 'image'));
    const xml = fc.oneof(
      fc
        .record({
          openid: fc.oneof(text, fc.constant('ofuzz')),
          fields: fc.dictionary(fc.constantFrom('MsgType', 'Content', 'MsgId', 'Event', 'EventKey', 'CreateTime', 'Bogus'), field, {
            maxKeys: 5,
          }),
        })
        .map(({ openid, fields }) => pushXml(WECHAT.account, openid, fields)),
      text,
      fc.constantFrom(
        '<xml>',
        '<xml><a><b></a></b></xml>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>',
        '<xml><![CDATA[',
        '<xml>' + '<a>'.repeat(5000) + '</xml>',
      ),
    );
    await fc.assert(
      fc.asyncProperty(xml, async (body) => {
        await sane('wechat', await postPush(authedServer.url, WECHAT, body));
      }),
      params(150),
    );
  });

  it('unsigned channel webhooks answer 4xx JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/channels/line', '/api/channels/wechat', '/api/channels/telegram'),
        shots(fc.jsonValue({ maxDepth: 3 })),
        async (path, shot) => {
          const r = await sane('native (unsigned)', await post(`${authedServer.url}${path}`, shot));
          expect(r.status).toBeGreaterThanOrEqual(400);
        },
      ),
      params(60),
    );
  });
});

// ---- limits and content types ------------------------------------------------------------------------------------

const JSON_ROUTES = [
  '/api/messages',
  '/api/orders',
  '/api/webchat/session',
  '/api/webchat/messages',
  '/api/admin/staff',
  '/api/admin/canned-replies',
];

describe('body limits and content types', () => {
  const authFor = (path: string): Record<string, string> =>
    path === '/api/messages'
      ? { authorization: `Bearer ${botToken}` }
      : path.startsWith('/api/webchat/messages')
        ? { authorization: `Bearer ${sessionToken}` }
        : path.startsWith('/api/admin')
          ? { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }
          : {};

  it(`bodies over ${MAX_BODY_BYTES} bytes get 413 JSON, with or without a Content-Length`, async () => {
    const big = enc.encode(JSON.stringify({ text: 'x'.repeat(MAX_BODY_BYTES) }));
    const routes = [...JSON_ROUTES, '/api/channels/telegram', '/api/agent/handoffs/x/messages'];
    for (const path of routes) {
      const withLength = await fetch(`${authedServer.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authFor(path) },
        body: big,
      });
      const r1 = await sane(`413 ${path}`, withLength);
      expect(r1.status, path).toBe(413);
      expect((r1.body as { error: { code: string } }).error.code).toBe('payload_too_large');
      const chunked = await fetch(`${authedServer.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authFor(path) },
        body: new ReadableStream({
          start(ctrl) {
            for (let i = 0; i < big.length; i += 16_384) ctrl.enqueue(big.slice(i, i + 16_384));
            ctrl.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      const r2 = await sane(`413 chunked ${path}`, chunked);
      expect(r2.status, `${path} (chunked)`).toBe(413);
    }
    // A lying Content-Length (small) with a big chunked body is still cut off.
    await alive(authedServer.url);
  });

  it('non-JSON content types on JSON routes are refused with 415 JSON', async () => {
    const now = Math.floor(Date.now() / 1000);
    const validBodies: Record<string, unknown> = {
      '/api/messages': emulatorActivity(connector.url, 'fuzz-user', 'hi', { conversation: { id: 'conv-ct' } }),
      '/api/orders': {
        orderId: 'CT-1',
        memberId: 'F1',
        status: 'paid',
        orderedAt: '2026-05-01T00:00:00Z',
        lines: [{ productId: 'P1', quantity: 1, amount: '1.00' }],
      },
      '/api/webchat/session': { memberToken: await signToken(TEST_WEBCHAT_SECRET, { sub: 'F1', exp: now + 600 }) },
      '/api/webchat/messages': { text: 'hi', clientMessageId: 'ct-1' },
      '/api/admin/staff': { email: 'ct@staff.test', name: 'CT', role: 'agent' },
      '/api/admin/canned-replies': { locale: 'en', title: 'CT', text: 'Body' },
    };
    for (const path of JSON_ROUTES) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', undefined]) {
        const raw = JSON.stringify(validBodies[path]);
        const headers: Record<string, string> = { ...authFor(path), ...(type ? { 'content-type': type } : {}) };
        if (path === '/api/orders') {
          const ts = String(now);
          headers['x-timestamp'] = ts;
          headers['x-signature'] = `sha256=${await hmacHex(TEST_ORDER_SECRET, `${ts}.${raw}`)}`;
        }
        const res = await fetch(`${authedServer.url}${path}`, { method: 'POST', headers, body: type ? raw : enc.encode(raw) });
        const r = await sane(`415 ${path}`, res);
        expect(r.status, `${path} as ${type}`).toBe(415);
        expect((r.body as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      }
    }
  });
});
