// Segments on a real libSQL file: every condition, AND/OR nesting, validation, count and preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationReferences, memberAnalytics, members, pointLots, pointsLedger } from '../../db/schema/index.js';
import { countSegment, previewSegment, saveSegment, listSegments, type SegmentDefinition } from '../../src/domain/segments/index.js';
import { DomainError } from '../../src/lib/errors.js';
import { DAY_MS } from '../../src/lib/time.js';
import { domainCtx, fixedClock, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
const clock = fixedClock('2026-06-15T00:00:00Z');
const NOW = clock().getTime();
let ctx: ReturnType<typeof domainCtx>;

/** Six members whose attributes each condition below picks apart. */
const PEOPLE = [
  { id: 's1', tier: 'gold', locale: 'en', balance: 1200, birthday: '1990-06-03', tags: ['vip', 'tea'], consent: true },
  { id: 's2', tier: 'regular', locale: 'zh-CN', balance: 50, birthday: '1985-12-24', tags: ['tea'], consent: true },
  { id: 's3', tier: 'silver', locale: 'zh-CN', balance: 500, birthday: null, tags: [], consent: false },
  { id: 's4', tier: 'gold', locale: 'zh-CN', balance: 0, birthday: '2000-06-30', tags: ['vip'], consent: true },
  { id: 's5', tier: 'regular', locale: 'en', balance: 9000, birthday: '1970-01-01', tags: ['coffee'], consent: true },
  { id: 's6', tier: 'regular', locale: 'en', balance: 10, birthday: null, tags: [], consent: false },
] as const;

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, clock);
  await seedProgram(store);
  await store.write(async (tx) => {
    for (const p of PEOPLE) {
      await tx.insert(members).values({
        id: p.id,
        name: `Name ${p.id}`,
        locale: p.locale,
        tierCode: p.tier,
        pointsBalance: p.balance,
        birthday: p.birthday,
        tags: [...p.tags],
        marketingConsent: p.consent,
        createdAt: clock(),
      });
    }
    // Analytics as the job would leave them: s1 champion, s2 at risk, s4 churned, s5 active; s3 and s6 never ordered.
    const a = (
      memberId: string,
      lastDaysAgo: number | null,
      spend: number,
      segment: 'champions' | 'at_risk' | 'lost' | 'loyal',
      stage: 'active' | 'at_risk' | 'churned',
    ) => ({
      memberId,
      lastOrderAt: lastDaysAgo === null ? null : new Date(NOW - lastDaysAgo * DAY_MS),
      recencyDays: lastDaysAgo,
      frequency: 1,
      monetaryCents: spend,
      rfmSegment: segment,
      lifecycle: stage,
      computedAt: clock(),
    });
    await tx
      .insert(memberAnalytics)
      .values([
        a('s1', 3, 500_000, 'champions', 'active'),
        a('s2', 120, 20_000, 'at_risk', 'at_risk'),
        a('s4', 400, 90_000, 'lost', 'churned'),
        a('s5', 30, 150_000, 'loyal', 'active'),
      ]);
    // Points expiring: s2 has 40 in 10 days, s5 has 300 in 60 days; s1's lot expired already.
    const lot = async (memberId: string, points: number, expiresInDays: number, key: string) => {
      const [l] = await tx
        .insert(pointsLedger)
        .values({ memberId, kind: 'earn', points, sourceType: 'test', sourceRef: key, idempotencyKey: key, createdAt: clock() })
        .returning({ id: pointsLedger.id });
      await tx
        .insert(pointLots)
        .values({ ledgerId: l.id, memberId, remaining: points, earnedAt: clock(), expiresAt: new Date(NOW + expiresInDays * DAY_MS) });
    };
    await lot('s2', 40, 10, 'k1');
    await lot('s5', 300, 60, 'k2');
    await lot('s1', 100, -1, 'k3');
    await tx.insert(conversationReferences).values([
      { conversationId: 'msteams:c1', channelId: 'msteams', memberId: 's1', reference: {}, updatedAt: clock() },
      { conversationId: 'webchat:c2', channelId: 'webchat', memberId: 's2', reference: {}, updatedAt: clock() },
      { conversationId: 'telegram:c4', channelId: 'telegram', memberId: 's4', reference: {}, updatedAt: clock() },
    ]);
  });
});
afterAll(() => store.dispose());

async function ids(definition: SegmentDefinition): Promise<string[]> {
  const r = await previewSegment({ ctx, input: { definition, sample: 50 } });
  expect(r.count).toBe(r.sample.length);
  return r.sample.map((m) => m.id);
}
const and = (...rules: SegmentDefinition['rules']): SegmentDefinition => ({ op: 'and', rules });
const or = (...rules: SegmentDefinition['rules']): SegmentDefinition => ({ op: 'or', rules });

describe('conditions', () => {
  it('an empty AND group is everyone, an empty OR group no one', async () => {
    expect(await ids(and())).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
    expect(await ids(or())).toEqual([]);
  });

  it('tier, locale and consent', async () => {
    expect(await ids(and({ field: 'tier', in: ['gold'] }))).toEqual(['s1', 's4']);
    expect(await ids(and({ field: 'locale', in: ['en'] }))).toEqual(['s1', 's5', 's6']);
    expect(await ids(and({ field: 'marketing_consent', value: false }))).toEqual(['s3', 's6']);
  });

  it('points balance range (inclusive)', async () => {
    expect(await ids(and({ field: 'points_balance', min: 50, max: 1200 }))).toEqual(['s1', 's2', 's3']);
    expect(await ids(and({ field: 'points_balance', max: 10 }))).toEqual(['s4', 's6']);
  });

  it('points expiring within N days, optionally at least some points', async () => {
    expect(await ids(and({ field: 'points_expiring', withinDays: 30 }))).toEqual(['s2']);
    expect(await ids(and({ field: 'points_expiring', withinDays: 90 }))).toEqual(['s2', 's5']);
    expect(await ids(and({ field: 'points_expiring', withinDays: 90, min: 100 }))).toEqual(['s5']);
  });

  it('birthday month', async () => {
    expect(await ids(and({ field: 'birthday_month', in: [6] }))).toEqual(['s1', 's4']);
    expect(await ids(and({ field: 'birthday_month', in: [1, 12] }))).toEqual(['s2', 's5']);
  });

  it('RFM segment and lifecycle (members never analysed count as none/new)', async () => {
    expect(await ids(and({ field: 'rfm_segment', in: ['champions', 'loyal'] }))).toEqual(['s1', 's5']);
    expect(await ids(and({ field: 'rfm_segment', in: ['none'] }))).toEqual(['s3', 's6']);
    expect(await ids(and({ field: 'lifecycle', in: ['at_risk', 'churned'] }))).toEqual(['s2', 's4']);
    expect(await ids(and({ field: 'lifecycle', in: ['new'] }))).toEqual(['s3', 's6']);
  });

  it('days since last order and total spend', async () => {
    expect(await ids(and({ field: 'days_since_last_order', min: 90 }))).toEqual(['s2', 's4']);
    expect(await ids(and({ field: 'days_since_last_order', min: 3, max: 30 }))).toEqual(['s1', 's5']);
    expect(await ids(and({ field: 'total_spend', min: 100_000 }))).toEqual(['s1', 's5']);
    expect(await ids(and({ field: 'total_spend', max: 0 }))).toEqual(['s3', 's6']);
  });

  it('channel and tags', async () => {
    expect(await ids(and({ field: 'channel', in: ['msteams', 'telegram'] }))).toEqual(['s1', 's4']);
    expect(await ids(and({ field: 'tags', any: ['vip', 'coffee'] }))).toEqual(['s1', 's4', 's5']);
    expect(await ids(and({ field: 'tags', all: ['vip', 'tea'] }))).toEqual(['s1']);
  });

  it('nested AND/OR groups', async () => {
    // (gold AND June birthday AND zh-CN) OR at-risk; then (gold OR en) AND not consented.
    const def = or(
      and({ field: 'tier', in: ['gold'] }, { field: 'birthday_month', in: [6] }, { field: 'locale', in: ['zh-CN'] }),
      and({ field: 'lifecycle', in: ['at_risk'] }),
    );
    expect(await ids(def)).toEqual(['s2', 's4']);
    expect(
      await ids(and(or({ field: 'tier', in: ['gold'] }, { field: 'locale', in: ['en'] }), { field: 'marketing_consent', value: false })),
    ).toEqual(['s6']);
  });
});

describe('validation', () => {
  const bad = async (definition: unknown) => {
    const err = await countSegment({ ctx, input: { definition } }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('bad_request');
  };
  it('rejects unknown fields, empty ranges, inverted ranges, bad months and deep nesting', async () => {
    await bad({ op: 'and', rules: [{ field: 'shoe_size', in: [42] }] });
    await bad({ op: 'and', rules: [{ field: 'points_balance' }] });
    await bad({ op: 'and', rules: [{ field: 'total_spend', min: 10, max: 5 }] });
    await bad({ op: 'and', rules: [{ field: 'birthday_month', in: [13] }] });
    await bad({ op: 'xor', rules: [] });
    await bad({ op: 'and', rules: [{ field: 'tags' }] });
    let deep: SegmentDefinition = and();
    for (let i = 0; i < 6; i++) deep = and(deep);
    await bad(deep);
  });
  it('values are bound parameters, not SQL', async () => {
    expect(await ids(and({ field: 'tier', in: ["gold') or 1=1 --"] }))).toEqual([]);
  });
});

describe('saved segments', () => {
  it('saves a validated definition and lists it', async () => {
    const s = await saveSegment({ ctx, input: { name: 'Gold', definition: and({ field: 'tier', in: ['gold'] }) } });
    expect((await listSegments({ ctx, input: {} })).map((x) => x.id)).toContain(s.id);
    expect((await countSegment({ ctx, input: { definition: s.definition } })).count).toBe(2);
  });
});
