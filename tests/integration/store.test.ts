// The store's write path on a real libSQL file: group commit keeps each write atomic and isolated from the others.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../db/schema/index.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.dispose());

const insert = (id: string) => (tx: Parameters<Parameters<TestStore['write']>[0]>[0]) =>
  tx.insert(members).values({ id, name: id, createdAt: new Date(0) });

describe('store.write (group commit)', () => {
  it('commits concurrent writes together, rolls back only the one that fails, and reports each outcome to its caller', async () => {
    const results = await Promise.allSettled([
      store.write(insert('g-1')),
      store.write(async (tx) => {
        await insert('g-2')(tx);
        throw new Error('this write fails after inserting');
      }),
      store.write(insert('g-3')),
      // Same primary key as g-1: fails on its own constraint, the rest stand.
      store.write(insert('g-1')),
      store.write(async (tx) => {
        // Sees the writes queued before it, as if they had committed one by one.
        const seen = await tx.select().from(members).where(eq(members.id, 'g-3'));
        return seen.length;
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[4] as PromiseFulfilledResult<number>).value).toBe(1);
    const ids = (await store.db.select({ id: members.id }).from(members)).map((r) => r.id).sort();
    expect(ids).toEqual(['g-1', 'g-3']);
  });

  it('a lone write that fails leaves nothing behind', async () => {
    await expect(
      store.write(async (tx) => {
        await insert('g-9')(tx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.db.select().from(members).where(eq(members.id, 'g-9'))).toEqual([]);
  });
});
