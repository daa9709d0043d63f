// Member lookups: by id, and by a verified channel identity.
import { and, eq } from 'drizzle-orm';
import { channelIdentities, members, type Member } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export const getMember: Verb<{ memberId: string }, Member | null> = async ({ ctx, input }) => {
  const [m] = await ctx.store.db.select().from(members).where(eq(members.id, input.memberId));
  return m ?? null;
};

/** The member a channel user has been verified as, or null for an unknown (unlinked) user. */
export const findMemberByChannel: Verb<{ channelId: string; channelUserId: string }, Member | null> = async ({ ctx, input }) => {
  const [row] = await ctx.store.db
    .select({ member: members })
    .from(channelIdentities)
    .innerJoin(members, eq(members.id, channelIdentities.memberId))
    .where(and(eq(channelIdentities.channelId, input.channelId), eq(channelIdentities.channelUserId, input.channelUserId)));
  return row?.member ?? null;
};
