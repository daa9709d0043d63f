// Crash safety: a real dispatcher process killed with SIGKILL at random points, restarted, sends each member exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { campaignDeliveries, conversationReferences, members } from '../../db/schema/index.js';
import { createCampaign, launchCampaign, loadCampaign } from '../../src/domain/campaigns/index.js';
import { emulatorReferenceRow, type LocalConnector, startLocalConnector } from '../support/connector.js';
import { domainCtx, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

const N = 240;
let store: TestStore;
let connector: LocalConnector;
let campaignId: string;

beforeAll(async () => {
  connector = await startLocalConnector();
  store = await createTestStore();
  await seedProgram(store);
  const now = new Date();
  await store.write(async (tx) => {
    for (let i = 0; i < N; i++) {
      const id = `k${String(i).padStart(4, '0')}`;
      // Every tenth member opted out; they must get nothing.
      await tx
        .insert(members)
        .values({ id, name: `K ${i}`, locale: 'en', timeZone: 'UTC', marketingConsent: i % 10 !== 0, createdAt: now });
      await tx.insert(conversationReferences).values(emulatorReferenceRow(connector.url, id, now));
    }
  });
  const ctx = domainCtx(store, () => new Date());
  const c = await createCampaign({
    ctx,
    input: {
      name: 'crash',
      segment: { op: 'and', rules: [] },
      variants: [{ key: 'A', split: 90, templates: { en: 'Hello {{name}}', 'zh-CN': '你好 {{name}}' } }],
      holdoutPct: 10,
    },
  });
  campaignId = (await launchCampaign({ ctx, input: { id: c.id } })).id;
});
afterAll(async () => {
  await connector?.close();
  store?.dispose();
});

function startChild(): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/broadcast-child.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: store.url,
      CAMPAIGN_ID: campaignId,
      ADMIN_TOKEN: 'x',
      ORDER_WEBHOOK_SECRET: 'x',
      WEBCHAT_SECRET: 'x',
      BROADCAST_TICK_MS: '0',
      BROADCAST_BATCH: '10',
      BROADCAST_CONCURRENCY: '3',
      BROADCAST_LEASE_MS: '1000',
      BROADCAST_PLAN_BATCH: '40',
      BROADCAST_QUIET_HOURS: '',
      BOTFRAMEWORK_PER_SECOND: '120',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

it('every consenting, non-holdout member gets exactly one message across kill -9 and restarts', async () => {
  let kills = 0;
  for (let round = 0; round < 5; round++) {
    const { child, ready, exited } = startChild();
    await ready;
    // A random point: while planning, mid-batch, or between a send and its record.
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 500)));
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      kills++;
    }
    await exited;
    if (
      (
        await loadCampaign(
          domainCtx(store, () => new Date()),
          campaignId,
        )
      ).status === 'completed'
    )
      break;
  }
  expect(kills).toBeGreaterThan(0);
  // The last run goes to the end (rows a killed run held are picked up when their lease runs out).
  const last = startChild();
  expect(await last.exited).toBe(0);

  const rows = await store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, campaignId));
  expect(rows).toHaveLength(N);
  expect(rows.filter((r) => !['sent', 'skipped'].includes(r.status))).toEqual([]);
  const perRecipient = new Map<string, number>();
  for (const c of connector.captured) perRecipient.set(c.conversationId, (perRecipient.get(c.conversationId) ?? 0) + 1);
  for (const r of rows) {
    const got = perRecipient.get(`conv-${r.memberId}`) ?? 0;
    const optedOut = Number(r.memberId.slice(1)) % 10 === 0;
    if (r.variant === 'holdout' || optedOut) expect(got, r.memberId).toBe(0);
    else expect(got, `${r.memberId} (${r.status})`).toBe(1);
    if (r.variant !== 'holdout' && !optedOut) expect(r.status).toBe('sent');
  }
  console.log(`kill -9 runs: ${kills}, repeated posts the connector dropped: ${connector.duplicates}`);
}, 180_000);
