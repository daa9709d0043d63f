// Broadcast dispatch through the job queue: the every-minute job sends one bounded pass and hands the rest on as
// `broadcast-dispatch` messages (Cloudflare Queues on Workers; the same code on Node's in-process queue), until done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, launchCampaign } from '../../src/domain/campaigns/index.js';
import { PASS_BATCHES } from '../../src/jobs/broadcast.js';
import { InProcessQueue } from '../../src/jobs/queue.js';
import { findJob } from '../../src/jobs/registry.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type LocalConnector, startLocalConnector } from '../support/connector.js';
import { addBroadcastAudience, fixedClock, seedProgram } from '../support/fixtures.js';

const clock = fixedClock('2026-08-01T10:00:00Z');
const BATCH = 2;
/** More than two passes' worth, so the chain has two hops. */
const N = PASS_BATCHES * BATCH * 2 + 5;
const IDS = Array.from({ length: N }, (_, i) => `q${String(i).padStart(3, '0')}`);
let t: TestApp;
let connector: LocalConnector;

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, env: { BROADCAST_TICK_MS: '0', BROADCAST_BATCH: String(BATCH) } });
  await seedProgram(t.store);
  await addBroadcastAudience(t.store, connector.url, IDS, clock());
});
afterAll(async () => {
  await connector?.close();
  t?.close();
});

describe('broadcast-dispatch through the queue', () => {
  it('sends a bounded pass, chains the rest through queue messages, and delivers each member once', async () => {
    const c = await createCampaign({
      ctx: t.deps.domain,
      input: {
        name: 'queued',
        segment: { op: 'and', rules: [{ field: 'marketing_consent', value: true }] },
        variants: [{ key: 'A', split: 100, templates: { en: 'Hi {{name}}', 'zh-CN': '你好 {{name}}' } }],
      },
    });
    await launchCampaign({ ctx: t.deps.domain, input: { id: c.id } });
    const job = findJob('broadcast-dispatch');
    expect(job).toBeDefined();
    const first = await job!.run(t.deps);
    // The cron tick alone sends one pass, not the whole campaign...
    expect(first).toMatchObject({ claimed: PASS_BATCHES * BATCH, continued: true, hop: 0 });
    // ...and the rest arrive through the queue's messages.
    const queue = t.deps.queue as InProcessQueue;
    expect(queue).toBeInstanceOf(InProcessQueue);
    await queue.drain();
    const got = connector.captured.filter((a) => a.activity.text?.startsWith('Hi '));
    expect(got).toHaveLength(N);
    // One message per member (the text names them).
    expect(new Set(got.map((a) => a.activity.text?.split('\n')[0]))).toEqual(new Set(IDS.map((id) => `Hi ${id}`)));
    // Nothing is left for the next tick.
    const again = await job!.run(t.deps);
    expect(again).toMatchObject({ claimed: 0, continued: false });
    await queue.drain();
    expect(connector.captured.filter((a) => a.activity.text?.startsWith('Hi '))).toHaveLength(N);
  });
});
