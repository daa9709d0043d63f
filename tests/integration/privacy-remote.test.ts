// Export and erasure on a remote libSQL server (Hrana over HTTP, as Turso serves it): one transaction over one stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, messages, pointsLedger } from '../../db/schema/index.js';
import { openStore, type Store } from '../../src/db/client.js';
import { migrateStore } from '../../src/db/migrate.js';
import { recordTurn } from '../../src/domain/conversations/index.js';
import { ERASED_NAME, eraseMember, exportMember } from '../../src/domain/privacy/index.js';
import { addMember, domainCtx, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';

const clock = fixedClock('2026-06-01T00:00:00Z');
const actor = { staffId: null, via: 'cli' as const, operator: 'test' };
let dir: string;
let server: HranaServer;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ma-privacy-hrana-'));
  server = await startHranaServer(join(dir, 'remote.db'));
  store = await openStore(server.url, server.token ?? undefined);
  await migrateStore(store);
  await seedProgram(store);
  await addMember(store, clock, { id: 'r-1', name: 'Remote Razorbill', identity: { channelId: 'emulator', channelUserId: 'u-r-1' } });
  const ctx = domainCtx(store, clock);
  await paidOrder(ctx, 'r-1', 'R-ORD-1', '120', '2026-05-01T00:00:00Z');
  await recordTurn({
    ctx,
    input: {
      conversationId: 'emulator:c-r-1',
      channelId: 'emulator',
      channelUserId: 'u-r-1',
      memberId: 'r-1',
      inbound: 'razorbill words',
      replies: ['ok'],
    },
  });
});
afterAll(async () => {
  store?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('privacy on a remote store', () => {
  it('exports, then erases in one remote transaction, keeping the ledger', async () => {
    const ctx = domainCtx(store, clock);
    const doc = await exportMember({ ctx, input: { memberId: 'r-1', actor } });
    expect(doc.data.messages.map((m) => m.text)).toContain('razorbill words');
    expect(doc.data.orders.map((o) => o.id)).toEqual(['R-ORD-1']);
    const sum = async () =>
      (
        await store.db
          .select({ n: sql<number>`sum(${pointsLedger.points})` })
          .from(pointsLedger)
          .where(eq(pointsLedger.memberId, 'r-1'))
      )[0].n;
    const before = await sum();
    const r = await eraseMember({ ctx, input: { memberId: 'r-1', actor } });
    expect(r).toMatchObject({ alreadyErased: false, counts: expect.objectContaining({ messages: 2, identities: 1, conversations: 1 }) });
    expect(await store.db.select().from(messages)).toEqual([]);
    const [m] = await store.db.select().from(members).where(eq(members.id, 'r-1'));
    expect(m.name).toBe(ERASED_NAME);
    expect(await sum()).toBe(before);
    expect((await eraseMember({ ctx, input: { memberId: 'r-1', actor } })).alreadyErased).toBe(true);
  });
});
