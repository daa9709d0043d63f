// Dispatcher details on a real store and connector: resumable planning, leases, and both recovery modes for rows left mid-send.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDeliveries, campaigns } from '../../db/schema/index.js';
import { createCampaign, dispatchOnce, launchCampaign, planCampaign } from '../../src/domain/campaigns/index.js';
import { countSegment } from '../../src/domain/segments/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type LocalConnector, startLocalConnector } from '../support/connector.js';
import { addBroadcastAudience, fixedClock, seedProgram } from '../support/fixtures.js';

const clock = fixedClock('2026-08-01T10:00:00Z');
let t: TestApp;
let connector: LocalConnector;
const IDS = Array.from({ length: 10 }, (_, i) => `d${i}`);

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, env: { BROADCAST_TICK_MS: '0' } });
  await seedProgram(t.store);
  await addBroadcastAudience(t.store, connector.url, IDS, clock());
});
afterAll(async () => {
  await connector?.close();
  t?.close();
});

async function launched(name: string) {
  const c = await createCampaign({
    ctx: t.deps.domain,
    input: {
      name,
      segment: { op: 'and', rules: [{ field: 'marketing_consent', value: true }] },
      variants: [{ key: 'A', split: 100, templates: { en: `${name} {{name}}`, 'zh-CN': `${name} {{name}}` } }],
    },
  });
  return launchCampaign({ ctx: t.deps.domain, input: { id: c.id } });
}

describe('planning', () => {
  it('plans in ranges, resumes where it stopped, and plans once', async () => {
    const c = await launched('plan');
    const first = await planCampaign(t.deps.domain, c.id, { batchSize: 3, maxBatches: 2 });
    expect(first).toMatchObject({ planned: 6, batches: 2, done: false });
    const [mid] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, c.id));
    expect(mid.plannedAt).toBeNull();
    expect(mid.plannedCount).toBe(6);
    const rest = await planCampaign(t.deps.domain, c.id, { batchSize: 3 });
    expect(rest.done).toBe(true);
    expect(first.planned + rest.planned).toBe(10);
    expect((await countSegment({ ctx: t.deps.domain, input: { definition: c.segment } })).count).toBe(10);
    expect(await planCampaign(t.deps.domain, c.id, { batchSize: 3 })).toMatchObject({ planned: 0, batches: 0, done: true });
    const rows = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, c.id));
    expect(rows.map((r) => r.memberId).sort()).toEqual([...IDS].sort());
    await t.store.write((tx) => tx.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, c.id)));
  });
});

describe('rows left mid-send by a crashed dispatcher', () => {
  async function stuck(name: string) {
    const c = await launched(name);
    await planCampaign(t.deps.domain, c.id);
    // As a dispatcher that claimed d0 and died: `sending` under its token, the lease still running.
    await t.store.write((tx) =>
      tx
        .update(campaignDeliveries)
        .set({ status: 'sending', claimToken: 'dead', claimedUntil: clock().getTime() + 60_000, attempts: 1 })
        .where(eq(campaignDeliveries.campaignId, c.id)),
    );
    return c.id;
  }
  const texts = (prefix: string) => connector.captured.filter((a) => a.activity.text?.startsWith(prefix));

  it('are left alone while the lease runs, then resent with the same key (the connector drops a repeat)', async () => {
    const id = await stuck('resend');
    let s = await dispatchOnce({ ctx: t.deps.domain, outbound: t.deps.outbound, options: { recovery: 'resend', quietHours: null } });
    expect(s.claimed).toBe(0);
    expect(texts('resend')).toHaveLength(0);
    clock.set('2026-08-01T10:01:01Z');
    s = await dispatchOnce({ ctx: t.deps.domain, outbound: t.deps.outbound, options: { recovery: 'resend', quietHours: null } });
    expect(s.sent).toBe(10);
    expect(texts('resend')).toHaveLength(10);
    // A second crash after the send, before the record: the repeat carries the same id and is not delivered.
    const before = connector.duplicates;
    await t.store.write((tx) =>
      tx
        .update(campaignDeliveries)
        .set({ status: 'sending', claimToken: 'dead', claimedUntil: clock().getTime() - 1 })
        .where(eq(campaignDeliveries.campaignId, id)),
    );
    await t.store.write((tx) => tx.update(campaigns).set({ status: 'running' }).where(eq(campaigns.id, id)));
    s = await dispatchOnce({
      ctx: t.deps.domain,
      outbound: t.deps.outbound,
      options: { recovery: 'resend', quietHours: null, cap: { messages: 0, days: 7 } },
    });
    expect(s.sent).toBe(10);
    expect(texts('resend')).toHaveLength(10);
    expect(connector.duplicates - before).toBe(10);
  });

  it('with recovery "fail" are failed as outcome unknown and never sent', async () => {
    clock.set('2026-08-02T10:00:00Z');
    const id = await stuck('failmode');
    clock.set('2026-08-02T10:01:01Z');
    const s = await dispatchOnce({
      ctx: t.deps.domain,
      outbound: t.deps.outbound,
      options: { recovery: 'fail', quietHours: null, cap: { messages: 0, days: 7 } },
    });
    expect(s.recovered).toBe(10);
    expect(s.sent).toBe(0);
    expect(texts('failmode')).toHaveLength(0);
    const rows = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['failed']));
    expect(rows[0].error).toContain('outcome unknown');
  });
});

describe('frequency cap across processes', () => {
  it('waits while another process holds the member, then recounts under the lock what that process sent', async () => {
    clock.set('2026-08-20T10:00:00Z');
    const cap = { messages: 1, days: 7 };
    const c = await launched('capA');
    const other = await launched('capOther');
    await t.store.write((tx) => tx.update(campaigns).set({ status: 'cancelled' }).where(eq(campaigns.id, other.id)));
    await planCampaign(t.deps.domain, c.id);
    // Another process is sending d0 a message of another campaign right now (it holds d0's lock)...
    await t.deps.state.set('broadcast:member:d0', 'other-process', { ttlSeconds: 60 });
    const deps = { ctx: t.deps.domain, outbound: t.deps.outbound, state: t.deps.state, options: { quietHours: null, cap } };
    const first = await dispatchOnce(deps);
    expect(first.sent).toBe(IDS.length - 1);
    expect(first.held).toBe(1);
    const text = (id: string) => connector.captured.filter((x) => (x.activity.text ?? '').startsWith(`capA ${id}`));
    expect(text('d0')).toHaveLength(0);
    const [waiting] = await t.store.db
      .select()
      .from(campaignDeliveries)
      .where(and(eq(campaignDeliveries.campaignId, c.id), eq(campaignDeliveries.memberId, 'd0')));
    // Waiting on a busy member uses up no attempt.
    expect(waiting).toMatchObject({ status: 'held', skipReason: 'member_busy', attempts: 0 });
    await t.deps.state.del('broadcast:member:d0');
    // ...and records its send after this process read the batch's counts but before it takes the lock: only
    // the recount under the lock can see it.
    const state = t.deps.state;
    const racing: typeof state = Object.create(state);
    racing.set = async (key, value, options) => {
      if (key === 'broadcast:member:d0') {
        await t.store.write((tx) =>
          tx.insert(campaignDeliveries).values({
            campaignId: other.id,
            memberId: 'd0',
            variant: 'A',
            status: 'sent',
            nextAttemptAt: clock().getTime(),
            plannedAt: clock().getTime(),
            sentAt: clock().getTime(),
          }),
        );
      }
      return state.set(key, value, options);
    };
    clock.set('2026-08-20T10:00:10Z');
    const second = await dispatchOnce({ ...deps, state: racing });
    expect(second.claimed).toBe(1);
    expect(second.skipped).toBe(1);
    expect(text('d0')).toHaveLength(0);
    const [row] = await t.store.db
      .select()
      .from(campaignDeliveries)
      .where(and(eq(campaignDeliveries.campaignId, c.id), eq(campaignDeliveries.memberId, 'd0')));
    expect(row).toMatchObject({ status: 'skipped', skipReason: 'cap' });
  });
});
