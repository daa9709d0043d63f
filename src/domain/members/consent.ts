// Marketing consent: the one verb every change goes through (chat, console, API, import), and its history.
import { desc, eq } from 'drizzle-orm';
import { type ConsentChange, type ConsentSource, consentHistory, members } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';

export interface SetConsentInput {
  memberId: string;
  granted: boolean;
  source: ConsentSource;
  /** The channel the member wrote from (chat changes). */
  channelId?: string | null;
  /** The member id (chat) or staff id (console, api); null for an import. */
  actor?: string | null;
}

export interface ConsentState {
  memberId: string;
  marketingConsent: boolean;
  marketingConsentAt: Date | null;
  /** False when the member already had this consent: nothing was written (retries and repeats change nothing). */
  changed: boolean;
}

/**
 * Sets a member's marketing consent and appends the change to the history, in one transaction. Asking for
 * the consent the member already has writes nothing, so a repeated STOP or a retried API call is harmless
 * and the history only holds real changes.
 */
export const setMarketingConsent: Verb<SetConsentInput, ConsentState> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const [m] = await tx
      .select({ consent: members.marketingConsent, at: members.marketingConsentAt })
      .from(members)
      .where(eq(members.id, input.memberId));
    if (!m) throw new DomainError('not_found', 'Member not found');
    if (m.consent === input.granted) {
      return { memberId: input.memberId, marketingConsent: m.consent, marketingConsentAt: m.at, changed: false };
    }
    const now = ctx.clock();
    await tx.update(members).set({ marketingConsent: input.granted, marketingConsentAt: now }).where(eq(members.id, input.memberId));
    await tx.insert(consentHistory).values({
      memberId: input.memberId,
      granted: input.granted,
      source: input.source,
      channelId: input.channelId ?? null,
      actor: input.actor ?? null,
      createdAt: now,
    });
    return { memberId: input.memberId, marketingConsent: input.granted, marketingConsentAt: now, changed: true };
  });

export interface ConsentRecord {
  memberId: string;
  marketingConsent: boolean;
  marketingConsentAt: Date | null;
  /** Newest first. */
  history: ConsentChange[];
}

/** A member's current consent and its history, newest first (at most `limit` changes). */
export const getConsentHistory: Verb<{ memberId: string; limit?: number }, ConsentRecord> = async ({ ctx, input }) => {
  const db = ctx.store.db;
  const [m] = await db
    .select({ consent: members.marketingConsent, at: members.marketingConsentAt })
    .from(members)
    .where(eq(members.id, input.memberId));
  if (!m) throw new DomainError('not_found', 'Member not found');
  const history = await db
    .select()
    .from(consentHistory)
    .where(eq(consentHistory.memberId, input.memberId))
    .orderBy(desc(consentHistory.createdAt), desc(consentHistory.id))
    .limit(Math.min(Math.max(input.limit ?? 100, 1), 500));
  return { memberId: input.memberId, marketingConsent: m.consent, marketingConsentAt: m.at, history };
};

/**
 * History rows for members loaded with consent already given (seeds, bulk imports), to insert in the same
 * transaction as the members: the consent a member starts with is on record like any later change.
 */
export function importedConsentRows(
  loaded: { id: string; marketingConsent?: boolean | null; marketingConsentAt?: Date | null; createdAt: Date }[],
): (typeof consentHistory.$inferInsert)[] {
  return loaded
    .filter((m) => m.marketingConsent)
    .map((m) => ({
      memberId: m.id,
      granted: true,
      source: 'import' as const,
      channelId: null,
      actor: null,
      createdAt: m.marketingConsentAt ?? m.createdAt,
    }));
}
