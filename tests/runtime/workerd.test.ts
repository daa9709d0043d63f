// Workerd smoke suite: the built (minified) Worker bundle booted in workerd by Miniflare, against real local servers.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { eq, and } from 'drizzle-orm';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointLots, pointsLedger } from '../../db/schema/index.js';
import { DEMO_EN_MEMBER_ID, DEMO_ZH_MEMBER_ID, seedDemo } from '../../db/seed/demo.js';
import { openStore, type Store } from '../../src/db/client.js';
import { migrateStore } from '../../src/db/migrate.js';
import { DEFAULT_RULES, type DomainCtx } from '../../src/domain/context.js';
import { DEFAULT_HANDOFF_SETTINGS, updateHandoffSettings } from '../../src/domain/handoffs/index.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { createStaff } from '../../src/domain/staff/index.js';
import { orderEventSchema, recordOrder } from '../../src/domain/orders/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { systemClock } from '../../src/lib/time.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember } from '../support/fixtures.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';
import { startLocalOpenAI, type LocalOpenAI } from '../support/openai-server.js';
import { startLocalIssuer, type LocalIssuer } from '../support/openid-server.js';
import { startUpstashServer, type UpstashServer } from '../support/upstash-server.js';
import { bindVerifiedIdentity } from '../../src/domain/members/index.js';
import { type LocalLine, lineEvent, postLine, startLocalLine } from '../support/line.js';
import { type LocalTelegram, postUpdate, startLocalTelegram, tgMessage } from '../support/telegram.js';
import { type LocalWechat, postPush, pushXml, readPassive, startLocalWechat, type WechatAccount } from '../support/wechat.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

let dir: string;
let bundle: string;
let hrana: HranaServer;
let upstash: UpstashServer;
let connector: LocalConnector;
let openai: LocalOpenAI;
let issuer: LocalIssuer;
let local: Store;
let domain: DomainCtx;
const prefix = `smoke:${randomUUID()}:`;

/** Boots the bundle in workerd with wrangler.toml's settings and bindings, plus the secrets of a deployment. */
async function bootWorker(extra: Record<string, string> = {}): Promise<Miniflare> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'));
  const mf = new Miniflare({
    ...workerOptions,
    modules: [{ type: 'ESModule', path: bundle }],
    modulesRoot: dirname(bundle),
    bindings: {
      ...workerOptions.bindings,
      NODE_ENV: 'production',
      // The smoke test talks to /api/messages as the Emulator does (no Bot Framework credentials).
      BOT_ALLOW_UNAUTHENTICATED: 'true',
      LOG_LEVEL: 'error',
      DATABASE_URL: hrana.url,
      DATABASE_AUTH_TOKEN: hrana.token ?? '',
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
      STATE_PREFIX: prefix,
      ADMIN_TOKEN: 'smoke-admin-token',
      ORDER_WEBHOOK_SECRET: 'smoke-order-secret',
      WEBCHAT_SECRET: 'smoke-webchat-secret',
      ...extra,
    },
  });
  await mf.ready;
  return mf;
}

async function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ma-workerd-'));
  const outdir = join(dir, 'dist');
  // The same command as `npm run build:worker`, into a temporary directory so the suite tests this checkout.
  const build = run('npx', ['wrangler', 'deploy', '--dry-run', '--minify', '--outdir', outdir], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG: 'error', CI: 'true' },
    timeout: 120_000,
  });
  hrana = await startHranaServer(join(dir, 'store.db'));
  // Migrations go through the remote URL, as `npm run db:migrate` does against Turso.
  const remote = await openStore(hrana.url, hrana.token ?? undefined);
  await migrateStore(remote);
  remote.close();
  // Demo data is written straight into the file (faster than over HTTP); the Worker reads it through Hrana.
  local = await openStore(`file:${join(dir, 'store.db')}`);
  domain = { store: local, clock: systemClock, rules: { ...DEFAULT_RULES } };
  await seedDemo(domain, { members: 20 });
  [upstash, connector, openai, issuer] = await Promise.all([
    startUpstashServer(),
    startLocalConnector(),
    startLocalOpenAI(),
    startLocalIssuer({ endorsements: ['emulator'] }),
  ]);
  await build;
  bundle = join(outdir, 'worker.js');
}, 180_000);

afterAll(async () => {
  await upstash?.cleanup(prefix);
  await Promise.all([upstash?.close(), connector?.close(), openai?.close(), issuer?.close(), hrana?.close()]);
  local?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the built Worker in workerd (offline brain)', () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = await bootWorker();
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  it('boots and answers /health, and /ready reaches the store over Hrana', async () => {
    const health = await mf.dispatchFetch('http://worker.test/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await mf.dispatchFetch('http://worker.test/ready');
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it("answers a demo member's balance over Bot Framework with the number in the store", async () => {
    const balance = (await getPointsSummary({ ctx: domain, input: { memberId: DEMO_ZH_MEMBER_ID } })).balance;
    const activity = emulatorActivity(connector.url, 'demo-zh', '我有多少积分？');
    const res = await mf.dispatchFetch('http://worker.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    const replies = connector.captured.filter((c) => c.replyToId === activity.id);
    expect(replies).toHaveLength(1);
    expect(replies[0].activity.text).toContain(`${formatPoints(balance)} 积分`);
    // State went to Upstash (real Redis): the delivered activity id is remembered for dedupe.
    const dedupe = await upstash.redis.command('EXISTS', `${prefix}dedupe:emulator:conv-demo-zh:${activity.id}`);
    expect(dedupe).toBe(1);
    // A retried delivery of the same activity is not answered twice.
    await mf.dispatchFetch('http://worker.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(connector.captured.filter((c) => c.replyToId === activity.id)).toHaveLength(1);
  });

  it('rejects a malformed activity with a JSON 400', async () => {
    const res = await mf.dispatchFetch('http://worker.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('runs the cron trigger: the hourly trigger expires due points in the store', async () => {
    // Points earned 13 months ago are past their 12-month life and wait for the expiry job.
    const paidAt = new Date(Date.now() - 395 * 86_400_000).toISOString();
    await addMember(local, systemClock, { id: 'CRON1' });
    await recordOrder({
      ctx: domain,
      input: orderEventSchema.parse({
        orderId: 'CRON-O1',
        memberId: 'CRON1',
        status: 'paid',
        orderedAt: paidAt,
        paidAt,
        lines: [{ productId: 'SMOKE-1', name: 'Smoke test tea', quantity: 1, amount: '321' }],
      }),
    });
    const lots = () => local.db.select().from(pointLots).where(eq(pointLots.memberId, 'CRON1'));
    expect((await lots()).map((l) => l.remaining)).toEqual([321]);

    // Miniflare's Fetcher type comes from @cloudflare/workers-types, which this project does not install.
    const worker = (await mf.getWorker()) as unknown as {
      scheduled(event: { cron: string; scheduledTime?: Date }): Promise<{ outcome: string }>;
    };
    const result = await worker.scheduled({ cron: '0 * * * *', scheduledTime: new Date() });
    expect(result.outcome).toBe('ok');

    const expired = await local.db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.memberId, 'CRON1'), eq(pointsLedger.kind, 'expire')));
    expect(expired.map((e) => e.points)).toEqual([-321]);
    expect((await lots()).map((l) => l.remaining)).toEqual([0]);
    const last = JSON.parse(String(await upstash.redis.command('GET', `${prefix}job:last:expire-points`)));
    expect(last.result.points).toBeGreaterThanOrEqual(321);
    // The daily trigger runs the tier review; a cron with no jobs is a no-op, not a failure.
    expect((await worker.scheduled({ cron: '0 19 * * *', scheduledTime: new Date() })).outcome).toBe('ok');
    expect(await upstash.redis.command('EXISTS', `${prefix}job:last:review-tiers`)).toBe(1);
    expect((await worker.scheduled({ cron: '17 3 * * *', scheduledTime: new Date() })).outcome).toBe('ok');
  });

  it('signs staff in (PBKDF2 in workerd), and an agent claims and answers a handoff through the connector', async () => {
    const agent = await createStaff({
      ctx: domain,
      input: { email: 'smoke.agent@example.com', name: 'Smoke Agent', role: 'agent', password: 'smoke-password-1' },
    });
    await updateHandoffSettings({
      ctx: domain,
      input: {
        settings: {
          ...DEFAULT_HANDOFF_SETTINGS,
          hours: {
            ...DEFAULT_HANDOFF_SETTINGS.hours,
            en: { ...DEFAULT_HANDOFF_SETTINGS.hours.en, days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' },
          },
        },
      },
    });
    // The console's sign-in page renders (hono/jsx) and a correct password gives a session cookie.
    const form = await mf.dispatchFetch('http://worker.test/console/login');
    expect(form.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
    const login = await mf.dispatchFetch('http://worker.test/console/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ _csrf: csrf, email: 'smoke.agent@example.com', password: 'smoke-password-1' }).toString(),
    });
    expect(login.status).toBe(303);
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(session).toMatch(/^ma_staff=/);
    const inbox = await mf.dispatchFetch('http://worker.test/console/inbox', { headers: { cookie: session } });
    expect(inbox.status).toBe(200);

    // The member asks for a person; the agent claims (admin token acting as agent) and replies proactively.
    const ask = emulatorActivity(connector.url, 'demo-en', 'I want to talk to a human');
    await mf.dispatchFetch('http://worker.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(connector.captured.find((c) => c.replyToId === ask.id)?.activity.text).toContain('in the queue');
    const auth = { authorization: 'Bearer smoke-admin-token', 'content-type': 'application/json' };
    const list = (await (await mf.dispatchFetch('http://worker.test/api/agent/handoffs?status=pending', { headers: auth })).json()) as {
      handoffs: { id: string; member: { id: string } }[];
    };
    const h = list.handoffs.find((x) => x.member.id === DEMO_EN_MEMBER_ID)!;
    expect((await mf.dispatchFetch(`http://worker.test/api/agent/handoffs/${h.id}/claim`, { method: 'POST', headers: auth })).status).toBe(
      200,
    );
    const sent = await mf.dispatchFetch(`http://worker.test/api/agent/handoffs/${h.id}/messages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: 'Hello from the Worker' }),
    });
    expect(((await sent.json()) as { delivery: { status: string } }).delivery.status).toBe('sent');
    expect(connector.captured.some((c) => c.replyToId === undefined && c.activity.text === 'Hello from the Worker')).toBe(true);
    expect(agent.staff.role).toBe('agent');
    // Resolved, so the member (shared with the suites below) is the assistant's again.
    const resolved = await mf.dispatchFetch(`http://worker.test/api/agent/handoffs/${h.id}/resolve`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(((await resolved.json()) as { csat: { status: string } }).csat.status).toBe('sent');

    // The every-minute trigger runs the handoff sweep.
    const worker = (await mf.getWorker()) as unknown as {
      scheduled(event: { cron: string; scheduledTime?: Date }): Promise<{ outcome: string }>;
    };
    expect((await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() })).outcome).toBe('ok');
    expect(await upstash.redis.command('EXISTS', `${prefix}job:last:handoff-sweep`)).toBe(1);
  });
});

describe('the built Worker in workerd (Bot Framework auth, language-model brain, replies through Cloudflare Queues)', () => {
  let mf: Miniflare;
  const APP_ID = 'smoke-app-id';
  const token = () =>
    issuer.sign({ iss: 'https://api.botframework.com', aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 600, serviceurl: connector.url });
  beforeAll(async () => {
    mf = await bootWorker({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'smoke-secret',
      BOT_TOKEN_URL: `${connector.url}/oauth2/token`,
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: 'sk-local',
      // A huge BOT_ACK_AFTER_MS: an immediate 202 can only come from the queue path, not the ack timer.
      BOT_ACK_AFTER_MS: '60000',
    });
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  it('acknowledges at once, enqueues the turn, and the queue consumer replies with the store number', async () => {
    const balance = (await getPointsSummary({ ctx: domain, input: { memberId: DEMO_EN_MEMBER_ID } })).balance;
    openai.script([
      { toolCalls: [{ name: 'get_points_balance', arguments: '{}' }] },
      (req) => {
        const tool = req.messages.find((m) => m.role === 'tool');
        const points = JSON.parse(tool?.content ?? '{}').balance;
        return { content: `You have ${formatPoints(points)} points.` };
      },
    ]);
    const before = openai.requests.length;
    const activity = emulatorActivity(connector.url, 'demo-en', 'how many points do I have?');
    const res = await mf.dispatchFetch('http://worker.test/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(202);
    // Acknowledged before the model was asked anything: the turn is waiting in the queue.
    expect(openai.requests.length).toBe(before);
    const reply = await waitFor('the queued reply', () =>
      connector.captured.find((c) => c.replyToId === activity.id && c.activity.type === 'message'),
    );
    expect(reply.activity.text).toBe(`You have ${formatPoints(balance)} points.`);
    expect(connector.captured.some((c) => c.replyToId === activity.id && c.activity.type === 'typing')).toBe(true);
    expect(openai.requests.length - before).toBe(2);
    // The reply carried the bot's outbound token, fetched by the fetch-based token provider inside workerd.
    expect(reply.authorization).toBe(`Bearer token-for-${APP_ID}`);
  });

  it('validates inbound JWTs with WebCrypto in workerd: no token or a forged one is 401', async () => {
    const activity = emulatorActivity(connector.url, 'demo-en', 'hi');
    const forged = (await token()).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    for (const auth of [undefined, `Bearer ${forged}`]) {
      const res = await mf.dispatchFetch('http://worker.test/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(401);
    }
  });
});

describe('the built Worker in workerd (native channels: WeChat safe mode, LINE, Telegram)', () => {
  let mf: Miniflare;
  let wx: LocalWechat;
  let line: LocalLine;
  let tg: LocalTelegram;
  const WX: WechatAccount = {
    token: 'wx-token',
    appId: 'wx2c2769f8efd9abc2',
    aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    account: 'gh_smoke',
  };
  const worker = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    mf.dispatchFetch(String(input).replace(/^http:\/\/[^/]+/, 'http://worker.test'), init as never) as unknown as Promise<Response>;
  let balance = 0;
  beforeAll(async () => {
    [wx, line, tg] = await Promise.all([
      startLocalWechat({ appId: WX.appId, appSecret: 'wx-secret' }),
      startLocalLine('line-token'),
      startLocalTelegram('42:smoke'),
    ]);
    for (const [channelId, channelUserId] of [
      ['wechat', 'o-smoke'],
      ['line', 'U-smoke'],
      ['telegram', '4242'],
    ]) {
      await bindVerifiedIdentity({ ctx: domain, input: { memberId: DEMO_ZH_MEMBER_ID, channelId, channelUserId } });
    }
    balance = (await getPointsSummary({ ctx: domain, input: { memberId: DEMO_ZH_MEMBER_ID } })).balance;
    mf = await bootWorker({
      WECHAT_APP_ID: WX.appId,
      WECHAT_APP_SECRET: 'wx-secret',
      WECHAT_TOKEN: WX.token,
      WECHAT_ENCODING_AES_KEY: WX.aesKey!,
      WECHAT_API_BASE: wx.url,
      LINE_CHANNEL_SECRET: 'line-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'line-token',
      LINE_API_BASE: line.url,
      TELEGRAM_BOT_TOKEN: '42:smoke',
      TELEGRAM_WEBHOOK_SECRET: 'tg-secret',
      TELEGRAM_API_ROOT: tg.url,
    });
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    await Promise.all([wx?.close(), line?.close(), tg?.close()]);
  });

  it('WeChat: decrypts a safe-mode push and answers with an encrypted passive reply (WebCrypto AES in workerd)', async () => {
    const res = await postPush(
      'http://worker.test',
      WX,
      pushXml(WX.account, 'o-smoke', { MsgType: 'text', Content: '我有多少积分', MsgId: '1' }),
      {
        fetch: worker,
      },
    );
    expect(res.status).toBe(200);
    expect((await readPassive(res, WX))?.content).toContain(`${formatPoints(balance)} 积分`);
    const bad = await postPush('http://worker.test', WX, pushXml(WX.account, 'o-smoke', { MsgType: 'text', Content: 'x', MsgId: '2' }), {
      tamper: 'msg_signature',
      fetch: worker,
    });
    expect(bad.status).toBe(401);
  });

  it('LINE: verifies the signature and replies through @line/bot-sdk from workerd', async () => {
    const token = line.issueReplyToken('U-smoke');
    const ev = lineEvent('U-smoke', { type: 'message', message: { type: 'text', id: '1', text: '我有多少积分' } }, token);
    expect((await postLine('http://worker.test', 'line-secret', [ev], { fetch: worker })).status).toBe(200);
    const reply = line.calls.find((c) => c.replyToken === token);
    expect(reply?.messages[0].text).toContain(`${formatPoints(balance)} 积分`);
    expect((await postLine('http://worker.test', 'wrong-secret', [ev], { fetch: worker })).status).toBe(401);
  });

  it("Telegram: checks the secret token and answers through grammY's web build", async () => {
    expect((await postUpdate('http://worker.test', 'tg-secret', tgMessage(4242, '我有多少积分'), worker)).status).toBe(200);
    expect(tg.messagesTo(4242)[0]?.text).toContain(`${formatPoints(balance)} 积分`);
    expect((await postUpdate('http://worker.test', 'nope', tgMessage(4242, 'x'), worker)).status).toBe(401);
  });
});
