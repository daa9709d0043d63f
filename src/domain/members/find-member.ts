// Member lookups: by id, and by a verified channel identity.
import { eq, sql } from 'drizzle-orm';
import { members, type Member } from '../../../db/schema/index.js';
import { executeSql, runPrepared, wholeRows } from '../../db/prepared.js';
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

const MEMBER = wholeRows(members);
const MEMBER_BY_CHANNEL_SQL = `select ${MEMBER.select}
  from "channel_identities" join "members" on "members"."id" = "channel_identities"."member_id"
  where "channel_identities"."channel_id" = ? and "channel_identities"."channel_user_id" = ? limit 1`;

/**
 * The member a channel user has been verified as, or null for an unknown (unlinked) user. The first read of every
 * chat turn: fixed SQL decoded by the schema's own columns (wholeRows: what drizzle's row mapping does, without its
 * generic walk over the selection).
 */
export const findMemberByChannel: Verb<{ channelId: string; channelUserId: string }, Member | null> = async ({ ctx, input }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: MEMBER_BY_CHANNEL_SQL, args: [input.channelId, input.channelUserId] });
  return rows[0] ? MEMBER.decode(rows[0]) : null;
};
