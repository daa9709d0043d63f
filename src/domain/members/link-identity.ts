// Identity linking: the shop issues a one-time code; the channel user who sends it becomes that member.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { channelIdentities, linkCodes, members, type Member } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';

/** Six digits from the platform CSPRNG (works on Node and Workers). */
function randomCode(): string {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return String(buf[0] % 1_000_000).padStart(6, '0');
}

/** Issues a code for the member's account page; retries on the rare clash with a live code. */
export const issueLinkCode: Verb<{ memberId: string }, { code: string; expiresAt: Date }> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const [m] = await tx.select({ id: members.id, erasedAt: members.erasedAt }).from(members).where(eq(members.id, input.memberId));
    if (!m) throw new DomainError('not_found', 'Member not found');
    // An erased member's tombstone must not collect new identities (and with them new personal data).
    if (m.erasedAt) throw new DomainError('conflict', "This member's data was erased");
    const expiresAt = new Date(now.getTime() + ctx.rules.linkCodeTtlMinutes * 60_000);
    for (let i = 0; i < 10; i++) {
      const code = randomCode();
      const [clash] = await tx.select().from(linkCodes).where(eq(linkCodes.code, code));
      if (clash && !clash.usedAt && clash.expiresAt > now) continue;
      if (clash) await tx.delete(linkCodes).where(eq(linkCodes.code, code));
      await tx.insert(linkCodes).values({ code, memberId: input.memberId, expiresAt, createdAt: now });
      return { code, expiresAt };
    }
    throw new DomainError('unavailable', 'Could not issue a link code, try again');
  });

/**
 * Consumes a code and binds the channel user to its member (a user already linked to someone else
 * is re-bound: the shop's code proves who they are now). Invalid, used and expired codes all fail the
 * same way so a guesser learns nothing.
 */
export const linkIdentity: Verb<{ code: string; channelId: string; channelUserId: string }, Member> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const now = ctx.clock();
    const [row] = await tx
      .select()
      .from(linkCodes)
      .where(and(eq(linkCodes.code, input.code), isNull(linkCodes.usedAt), gt(linkCodes.expiresAt, now)));
    if (!row) throw new DomainError('bad_request', 'Invalid or expired link code');
    await tx.update(linkCodes).set({ usedAt: now }).where(eq(linkCodes.code, input.code));
    await tx
      .insert(channelIdentities)
      .values({ channelId: input.channelId, channelUserId: input.channelUserId, memberId: row.memberId, verifiedAt: now })
      .onConflictDoUpdate({
        target: [channelIdentities.channelId, channelIdentities.channelUserId],
        set: { memberId: row.memberId, verifiedAt: now },
      });
    const [member] = await tx.select().from(members).where(eq(members.id, row.memberId));
    return member;
  });

/** Binds an identity a channel has already verified (e.g. a shop-signed web chat token). */
export const bindVerifiedIdentity: Verb<{ memberId: string; channelId: string; channelUserId: string }, void> = async ({ ctx, input }) => {
  await ctx.store.write(async (tx) => {
    await tx
      .insert(channelIdentities)
      .values({ ...input, verifiedAt: ctx.clock() })
      .onConflictDoUpdate({
        target: [channelIdentities.channelId, channelIdentities.channelUserId],
        set: { memberId: input.memberId, verifiedAt: ctx.clock() },
      });
  });
};
