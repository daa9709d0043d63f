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
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { orderEventSchema, recordOrder } from '../../src/domain/orders/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { systemClock } from '../../src/lib/time.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember } from '../support/fixtures.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';
import { startLocalOpenAI, type LocalOpenAI } from '../support/openai-server.js';
import { startLocalIssuer, type LocalIssuer } from '../support/openid-server.js';
import { startUpstashServer, type UpstashServer } from '../support/upstash-server.js';

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
