// Fixed-SQL reads decoded by the schema's columns (the member lookup, wholeRows) return what drizzle returns.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../db/schema/index.js';
import { executeSql, wholeRows } from '../../src/db/prepared.js';
import { findMemberByChannel, getMember } from '../../src/domain/members/index.js';
import { addMember, domainCtx, fixedClock } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
const clock = fixedClock('2026-06-01T08:00:00Z');

beforeAll(async () => {
  store = await createTestStore();
  await addMember(store, clock, { id: 'M-PLAIN', identity: { channelId: 'emulator', channelUserId: 'u-plain' } });
  await addMember(store, clock, {
    id: 'M-FULL',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    identity: { channelId: 'msteams', channelUserId: 'u-full' },
  });
  // Every optional column set: booleans, timestamps and JSON decode as drizzle decodes them.
  await store.write((tx) =>
    tx
      .update(members)
      .set({
        birthday: '1990-02-03',
        email: 'full@example.com',
        phone: '+86 138 0000 0000',
        marketingConsent: true,
        marketingConsentAt: new Date('2026-05-01T00:00:00Z'),
        tierCode: 'gold',
        tierSince: new Date('2026-01-01T00:00:00Z'),
        pointsBalance: 1234,
        tags: ['vip', '回头客'],
        erasedAt: new Date('2026-05-30T00:00:00Z'),
      })
      .where(eq(members.id, 'M-FULL')),
  );
});
afterAll(() => store.dispose());

describe('findMemberByChannel', () => {
  it('returns the same member object as a drizzle read of the row, or null for an unlinked user', async () => {
    const ctx = domainCtx(store, clock);
    for (const [channelId, channelUserId, id] of [
      ['emulator', 'u-plain', 'M-PLAIN'],
      ['msteams', 'u-full', 'M-FULL'],
    ] as const) {
      const found = await findMemberByChannel({ ctx, input: { channelId, channelUserId } });
      const [viaDrizzle] = await store.db.select().from(members).where(eq(members.id, id));
      expect(found).toEqual(viaDrizzle);
      expect(found).toEqual(await getMember({ ctx, input: { memberId: id } }));
    }
    expect(await findMemberByChannel({ ctx, input: { channelId: 'emulator', channelUserId: 'nobody' } })).toBeNull();
    expect(await findMemberByChannel({ ctx, input: { channelId: 'msteams', channelUserId: 'u-plain' } })).toBeNull();
  });

  it('wholeRows decodes a fixed select of every column exactly as drizzle does', async () => {
    const all = wholeRows(members);
    const { rows } = await executeSql(store.db, { sql: `select ${all.select} from "members" order by "members"."id"`, args: [] });
    expect(rows.map((r) => all.decode(r))).toEqual(await store.db.select().from(members).orderBy(members.id));
  });
});
