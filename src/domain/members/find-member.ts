// Member lookups: by id, and by a verified channel identity.
import { and, eq, sql } from 'drizzle-orm';
import { channelIdentities, members, type Member } from '../../../db/schema/index.js';
import { runPrepared } from '../../db/prepared.js';
import type { Verb } from '../context.js';

export const getMember: Verb<{ memberId: string }, Member | null> = async ({ ctx, input }) => {
  const [m] = await runPrepared(
    ctx.store.db,
    'getMember',
    (db) =>
      db
        .select()
        .from(members)
        .where(eq(members.id, sql.placeholder('memberId')))
        .limit(1)
        .prepare(),
    { memberId: input.memberId },
  );
  return m ?? null;
};

/** The member a channel user has been verified as, or null for an unknown (unlinked) user. */
export const findMemberByChannel: Verb<{ channelId: string; channelUserId: string }, Member | null> = async ({ ctx, input }) => {
  const [row] = await runPrepared(
    ctx.store.db,
    'findMemberByChannel',
    (db) =>
      db
        .select({ member: members })
        .from(channelIdentities)
        .innerJoin(members, eq(members.id, channelIdentities.memberId))
        .where(
          and(
            eq(channelIdentities.channelId, sql.placeholder('channelId')),
            eq(channelIdentities.channelUserId, sql.placeholder('channelUserId')),
          ),
        )
        // A key lookup: `limit 1` lets the store read it as one row (src/db/local-client.ts).
        .limit(1)
        .prepare(),
    { channelId: input.channelId, channelUserId: input.channelUserId },
  );
  return row?.member ?? null;
};
