// Transcript retention: the daily purge-transcripts job with a fixed clock, batches, and open handoffs spared.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffDeliveries, handoffs, messages, webchatOutbox } from '../../db/schema/index.js';
import { openNodeStore } from '../../src/db/open-node.js';
import { recordTurn } from '../../src/domain/conversations/index.js';
import { purgeTranscripts } from '../../src/domain/privacy/index.js';
import { parseEnv } from '../../src/env.js';
import { CADENCE } from '../../src/jobs/job.js';
import { findJob } from '../../src/jobs/registry.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addMember, fixedClock } from '../support/fixtures.js';

const NOW = '2026-06-01T08:00:00Z';
const OLD = '2026-03-01T08:00:00Z';
const RECENT = '2026-05-20T08:00:00Z';
const clock = fixedClock(NOW);
let t: TestApp;

async function turn(conversationId: string, memberId: string, at: string, n: number) {
  clock.set(at);
  for (let i = 0; i < n; i++) {
    await recordTurn({
      ctx: t.deps.domain,
      input: {
        conversationId,
        channelId: 'emulator',
        channelUserId: `u-${memberId}`,
        memberId,
        inbound: `${conversationId} ${at} #${i}`,
        replies: [],
      },
    });
  }
  clock.set(NOW);
}

async function handoff(id: string, memberId: string, conversationId: string, status: 'pending' | 'resolved') {
  await t.store.write((tx) =>
    tx.insert(handoffs).values({
      id,
      memberId,
      conversationId,
      channelId: 'emulator',
      locale: 'en',
      status,
      mode: 'live',
      reason: 'member_request',
      requestedAt: new Date(OLD),
      updatedAt: new Date(OLD),
    }),
  );
}

async function delivery(id: string, handoffId: string, conversationId: string, at: string) {
  await t.store.write((tx) =>
    tx
      .insert(handoffDeliveries)
      .values({ id, handoffId, conversationId, kind: 'agent', text: `reply ${id}`, status: 'sent', createdAt: new Date(at) }),
  );
}

const messagesOf = async (conversationId: string) =>
  (await t.store.db.select({ n: count() }).from(messages).where(eq(messages.conversationId, conversationId)))[0].n;
const rows = async (table: typeof webchatOutbox | typeof handoffDeliveries) => (await t.store.db.select({ n: count() }).from(table))[0].n;

beforeAll(async () => {
  t = await createTestApp({ clock, env: { TRANSCRIPT_RETENTION_DAYS: '30' } });
  for (const id of ['m1', 'm2', 'm3']) await addMember(t.store, clock, { id });
  await turn('emulator:c1', 'm1', OLD, 5);
  await turn('emulator:c1', 'm1', RECENT, 2);
  await turn('emulator:c2', 'm2', OLD, 3);
  await turn('emulator:c3', 'm3', OLD, 2);
  await handoff('H-open', 'm2', 'emulator:c2', 'pending');
  await handoff('H-closed', 'm3', 'emulator:c3', 'resolved');
  await delivery('D-open-old', 'H-open', 'emulator:c2', OLD);
  await delivery('D-closed-old', 'H-closed', 'emulator:c3', OLD);
  await delivery('D-closed-recent', 'H-closed', 'emulator:c3', RECENT);
  await t.store.write((tx) =>
    tx.insert(webchatOutbox).values([
      { conversationId: 'web:w1', author: 'bot', text: 'old', createdAt: new Date(OLD) },
      { conversationId: 'web:w1', author: 'bot', text: 'recent', createdAt: new Date(RECENT) },
    ]),
  );
});
afterAll(() => t.close());

describe('purge-transcripts', () => {
  it('is a daily job, configured by TRANSCRIPT_RETENTION_DAYS (a year by default)', () => {
    expect(findJob('purge-transcripts')).toMatchObject({ cron: CADENCE.daily.cron });
    expect(parseEnv({}).TRANSCRIPT_RETENTION_DAYS).toBe(365);
  });

  it('keeps everything when retention is off (0 days)', async () => {
    const r = await purgeTranscripts({ ctx: t.deps.domain, input: { retentionDays: 0 } });
    expect(r).toMatchObject({ before: null, messages: 0, webchatOutbox: 0, handoffDeliveries: 0 });
    expect(await messagesOf('emulator:c1')).toBe(7);
  });

  it('walks messages by the created_at index', async () => {
    // On a connection of its own: an EXPLAIN through the libsql binding leaves that connection on a stale snapshot.
    const own = await openNodeStore(t.store.url);
    try {
      const plan = await own.client.execute({
        sql: 'explain query plan select id from messages where created_at < ? order by created_at limit 500',
        args: [Date.parse(NOW)],
      });
      expect(JSON.stringify(plan.rows)).toContain('messages_created_idx');
    } finally {
      own.close();
    }
  });

  it('deletes what is older than the retention in batches, and spares conversations with an open handoff', async () => {
    const r = await purgeTranscripts({ ctx: t.deps.domain, input: { retentionDays: 30, batchSize: 2 } });
    expect(r).toMatchObject({ before: '2026-05-02T08:00:00.000Z', messages: 7, webchatOutbox: 1, handoffDeliveries: 1 });
    // 5 + 2 old messages in batches of 2 (4 batches), one outbox row, one delivery.
    expect(r.batches).toBe(6);
    expect(await messagesOf('emulator:c1')).toBe(2);
    expect(await messagesOf('emulator:c2')).toBe(3);
    expect(await messagesOf('emulator:c3')).toBe(0);
    expect(await rows(webchatOutbox)).toBe(1);
    const left = await t.store.db.select({ id: handoffDeliveries.id }).from(handoffDeliveries).orderBy(handoffDeliveries.id);
    expect(left.map((d) => d.id)).toEqual(['D-closed-recent', 'D-open-old']);
  });

  it('runs as the scheduled job: once the handoff closes its old transcript goes, and a rerun finds nothing', async () => {
    await t.store.write((tx) => tx.update(handoffs).set({ status: 'resolved' }).where(eq(handoffs.id, 'H-open')));
    const run = () =>
      t.app.request('/api/admin/jobs/purge-transcripts', { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const res = await run();
    expect(res.status).toBe(200);
    expect((await res.json()).result).toMatchObject({ retentionDays: 30, messages: 3, handoffDeliveries: 1, webchatOutbox: 0 });
    expect(await messagesOf('emulator:c2')).toBe(0);
    expect((await (await run()).json()).result).toMatchObject({ messages: 0, handoffDeliveries: 0, webchatOutbox: 0, batches: 0 });
    expect(await messagesOf('emulator:c1')).toBe(2);
  });
});
