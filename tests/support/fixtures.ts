// Test fixtures built through the domain (tiers, a catalog, members with orders): numbers tests can compute by hand.
import { coupons, members, products, tiers, channelIdentities, conversationReferences } from '../../db/schema/index.js';
import { emulatorReferenceRow } from './connector.js';
import { DEFAULT_TIERS } from '../../db/seed/program.js';
import type { Store } from '../../src/db/client.js';
import { DEFAULT_RULES, type DomainCtx } from '../../src/domain/context.js';
import { recordOrder, orderEventSchema, type OrderEventInput } from '../../src/domain/orders/index.js';
import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings, updateHandoffSettings } from '../../src/domain/handoffs/settings.js';
import type { Clock } from '../../src/lib/time.js';

/** A clock tests can move. */
export function fixedClock(iso: string): Clock & { set(iso: string): void; advanceDays(n: number): void } {
  let now = new Date(iso);
  const clock = (() => new Date(now.getTime())) as Clock & { set(iso: string): void; advanceDays(n: number): void };
  clock.set = (v) => (now = new Date(v));
  clock.advanceDays = (n) => (now = new Date(now.getTime() + n * 86_400_000));
  return clock;
}

export function domainCtx(store: Store, clock: Clock): DomainCtx {
  return { store, clock, rules: { ...DEFAULT_RULES } };
}

/** Tiers, three products and two point-priced coupons. */
export async function seedProgram(store: Store): Promise<void> {
  await store.write(async (tx) => {
    await tx.insert(tiers).values(DEFAULT_TIERS).onConflictDoNothing();
    await tx
      .insert(products)
      .values([
        { id: 'P1', name: 'Green tea', nameZh: '绿茶', category: 'Drinks', priceCents: 1_500, stock: 50 },
        { id: 'P2', name: 'Rice cooker', nameZh: '电饭煲', category: 'Home', priceCents: 39_900, stock: 5 },
        { id: 'P3', name: 'Gold gift box', nameZh: '金卡礼盒', category: 'Gifts', priceCents: 19_900, stock: 3, minTierCode: 'gold' },
      ])
      .onConflictDoNothing();
    await tx
      .insert(coupons)
      .values([
        { id: 'C5', nameZh: '5 元无门槛券', nameEn: '¥5 off, no minimum', valueCents: 500, pointsCost: 500, validDays: 30 },
        {
          id: 'C12',
          nameZh: '满 99 减 12 元券',
          nameEn: '¥12 off ¥99',
          valueCents: 1_200,
          minSpendCents: 9_900,
          pointsCost: 1_000,
          validDays: 30,
        },
      ])
      .onConflictDoNothing();
  });
}

export async function addMember(
  store: Store,
  clock: Clock,
  m: { id: string; name?: string; locale?: 'zh-CN' | 'en'; timeZone?: string; identity?: { channelId: string; channelUserId: string } },
): Promise<void> {
  await store.write(async (tx) => {
    await tx.insert(members).values({
      id: m.id,
      name: m.name ?? `Member ${m.id}`,
      locale: m.locale ?? 'en',
      timeZone: m.timeZone ?? 'UTC',
      createdAt: clock(),
    });
    if (m.identity) await tx.insert(channelIdentities).values({ ...m.identity, memberId: m.id, verifiedAt: clock() });
  });
}

/** Records a paid order of one line of P1 for `amount` yuan (a decimal string), paid at `paidAt`. */
export async function paidOrder(
  ctx: DomainCtx,
  memberId: string,
  orderId: string,
  amount: string,
  paidAt: string,
  status: OrderEventInput['status'] = 'paid',
) {
  const event = orderEventSchema.parse({
    orderId,
    memberId,
    status,
    orderedAt: paidAt,
    paidAt,
    lines: [{ productId: 'P1', quantity: 1, amount }],
  });
  return recordOrder({ ctx, input: event });
}

const SUPPORT_ZONE = { 'zh-CN': 'Asia/Shanghai', en: 'Europe/London' } as const;

/**
 * Handoff settings with the support team of each given language open around the clock (the others keep their
 * default hours), so a test's handoff is live whatever its clock says.
 */
export function alwaysOpen(
  locales: readonly ('zh-CN' | 'en')[] = ['zh-CN', 'en'],
  base: HandoffSettings = DEFAULT_HANDOFF_SETTINGS,
): HandoffSettings {
  const hours = { ...base.hours };
  for (const l of locales)
    hours[l] = { timeZone: SUPPORT_ZONE[l], days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00', closedDates: [] };
  return { ...base, hours };
}

/** Stores `alwaysOpen(locales)` as the handoff settings of the app behind `ctx`. */
export async function openSupportAllDay(ctx: DomainCtx, locales?: readonly ('zh-CN' | 'en')[]): Promise<void> {
  await updateHandoffSettings({ ctx, input: { settings: alwaysOpen(locales) } });
}

/**
 * Opted-in members (English, UTC, named by their id), each with a stored Emulator conversation at `connectorUrl`:
 * an audience a broadcast can reach.
 */
export async function addBroadcastAudience(store: Store, connectorUrl: string, ids: readonly string[], at: Date): Promise<void> {
  await store.write(async (tx) => {
    for (const id of ids) {
      await tx.insert(members).values({ id, name: id, locale: 'en', timeZone: 'UTC', marketingConsent: true, createdAt: at });
      await tx.insert(conversationReferences).values(emulatorReferenceRow(connectorUrl, id, at));
    }
  });
}
