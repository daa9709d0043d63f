// Data-subject erasure: personal data deleted or anonymized in one transaction, accounting kept on a tombstone.
import { eq } from 'drizzle-orm';
import { consentHistory, members } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import { appendAuditEntry } from '../audit/index.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from '../handoffs/events.js';
import type { PrivacyActor } from './export-member.js';
import { MEMBER_DATA } from './registry.js';
import { linkConditions, memberScope } from './scope.js';

export interface EraseResult {
  memberId: string;
  /** True when the member had been erased before (this run found nothing left to erase but re-checked). */
  alreadyErased: boolean;
  /** Rows deleted or anonymized per registry entry (kept entries are not listed). */
  counts: Record<string, number>;
  /** The member's conversations: their short-lived state (memory, confirmations) is cleared next. */
  conversationIds: string[];
}

/**
 * Erases a member. Every registry entry runs in one write transaction with the `member.erase` audit entry:
 * either all of it happens or none. Running it again is harmless (deleted rows stay deleted, anonymized
 * columns are overwritten with the same values), so a retry after a lost response is safe.
 */
export const eraseMember: Verb<{ memberId: string; actor: PrivacyActor }, EraseResult> = async ({ ctx, input }) => {
  const result = await ctx.store.write(async (tx) => {
    const [member] = await tx
      .select({ erasedAt: members.erasedAt, consent: members.marketingConsent })
      .from(members)
      .where(eq(members.id, input.memberId));
    if (!member) throw new DomainError('not_found', 'Member not found');
    const scope = await memberScope(tx, input.memberId);
    const now = ctx.clock();
    // Erasure withdraws marketing consent: on record like any other change (the history is kept as proof).
    if (member.consent) {
      await tx.insert(consentHistory).values({
        memberId: input.memberId,
        granted: false,
        source: input.actor.via === 'session' ? 'console' : 'api',
        channelId: null,
        actor: input.actor.staffId,
        createdAt: now,
      });
    }
    const counts: Record<string, number> = {};
    for (const entry of MEMBER_DATA) {
      const rule = entry.erase;
      if (rule.kind === 'keep') continue;
      let n = 0;
      for (const where of linkConditions(entry.link, scope)) {
        const r =
          rule.kind === 'delete'
            ? await tx.delete(entry.table).where(where)
            : await tx
                .update(entry.table)
                .set(rule.set(now) as never)
                .where(where);
        n += Number(r.rowsAffected ?? 0);
      }
      counts[entry.key] = n;
    }
    // The inbox drops a cancelled handoff. No details: a second erasure would clear them and change the row.
    for (const id of scope.openHandoffIds) await appendHandoffEvent(tx, ctx, id, 'cancelled');
    await appendAuditEntry(tx, ctx, {
      staffId: input.actor.staffId,
      action: 'member.erase',
      target: `member:${input.memberId}`,
      details: { alreadyErased: !!member.erasedAt, counts, operator: input.actor.operator },
      via: input.actor.via,
      requestId: input.actor.requestId,
    });
    return {
      memberId: input.memberId,
      alreadyErased: !!member.erasedAt,
      counts,
      conversationIds: scope.conversationIds,
      open: scope.openHandoffIds,
    };
  });
  if (result.open.length) notifyHandoffEvents(ctx);
  const { open: _open, ...out } = result;
  return out;
};
