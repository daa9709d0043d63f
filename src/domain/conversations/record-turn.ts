// Transcript: persist a turn's inbound message and replies, and the channel reference for later sends.
import { conversationReferences } from '../../../db/schema/index.js';
import { executeSql } from '../../db/prepared.js';
import type { Verb } from '../context.js';

export interface RecordTurnInput {
  conversationId: string;
  channelId: string;
  channelUserId: string;
  memberId: string | null;
  activityId?: string;
  inbound?: string;
  intent?: string;
  replies: string[];
}

const UPSERT_CONVERSATION = `
  insert into conversations (id, channel_id, channel_user_id, member_id, owner, created_at, last_activity_at)
  values (?1, ?2, ?3, ?4, 'bot', ?5, ?5)
  on conflict (id) do update set last_activity_at = excluded.last_activity_at, member_id = coalesce(conversations.member_id, excluded.member_id)`;
const MAX_ROWS = 100;
/** `insert into messages ... values (...), (...)` for `rows` rows: a turn's lines go in one statement, in order. */
const INSERT_MESSAGES: string[] = [];
function insertMessages(rows: number): string {
  return (INSERT_MESSAGES[rows] ??=
    'insert into messages (conversation_id, direction, activity_id, text, intent, author, created_at) values ' +
    Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', '));
}

/**
 * One transaction: upsert the conversation, append the messages (one multi-row insert, in order). Every chat turn
 * writes here, so the statements are fixed SQL (the columns of db/schema/conversations.ts) rather than built per call.
 */
export const recordTurn: Verb<RecordTurnInput, void> = async ({ ctx, input }) => {
  const now = ctx.clock().getTime();
  await ctx.store.write(async (tx) => {
    await executeSql(tx, {
      sql: UPSERT_CONVERSATION,
      args: [input.conversationId, input.channelId, input.channelUserId, input.memberId, now],
    });
    const args: (string | number | null)[] = [];
    if (input.inbound !== undefined) {
      args.push(input.conversationId, 'in', input.activityId ?? null, input.inbound, input.intent ?? null, 'member', now);
    }
    for (const text of input.replies) args.push(input.conversationId, 'out', null, text, null, 'bot', now);
    // A turn has a few lines; chunks keep any count far below SQLite's limit on bound parameters.
    for (let at = 0; at < args.length; at += 7 * MAX_ROWS) {
      const chunk = args.slice(at, at + 7 * MAX_ROWS);
      await executeSql(tx, { sql: insertMessages(chunk.length / 7), args: chunk });
    }
  });
};

/** Stores (or refreshes) how to reach this conversation proactively. */
export const saveConversationReference: Verb<
  { conversationId: string; channelId: string; memberId: string | null; reference: Record<string, unknown> },
  void
> = async ({ ctx, input }) => {
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insert(conversationReferences)
      .values({ ...input, updatedAt: now })
      .onConflictDoUpdate({
        target: conversationReferences.conversationId,
        set: { reference: input.reference, memberId: input.memberId, updatedAt: now },
      });
  });
};
