// Proactive messages for the built-in web chat: queued in the outbox, picked up live by the member's page.
import { and, asc, eq, gt, gte, inArray, lt } from 'drizzle-orm';
import { webchatOutbox, type WebchatOutboxRow } from '../../../db/schema/index.js';
import type { OutboundReply } from '../../assistant/types.js';
import type { DomainCtx } from '../../domain/context.js';
import { signalsFor } from '../../lib/signal.js';
import type { SendOptions } from '../contract.js';
import type { ChannelSender, SendResult, StoredReference } from '../outbound.js';

export const webchatSignal = (conversationId: string) => `webchat:${conversationId}`;

/**
 * "Sent" means stored for the page: it shows the message as soon as it is connected (at once when it is),
 * or when the member comes back to the same chat session. The outbox id is the page's cursor.
 */
export class WebchatSender implements ChannelSender {
  constructor(private readonly ctx: DomainCtx) {}

  /**
   * With `options.idempotencyKey` (a broadcast delivery, an agent reply) each reply is stored under
   * `<key>#<n>` once: a send repeated after a crash returns the ids stored the first time and shows nothing twice.
   */
  async send(ref: StoredReference, replies: OutboundReply[], options: SendOptions = {}): Promise<SendResult> {
    if (!replies.length) return { status: 'sent', ids: [] };
    const now = this.ctx.clock();
    const key = options.idempotencyKey;
    const keys = replies.map((_, i) => (key ? `${key}#${i}` : null));
    const { ids, inserted } = await this.ctx.store.write(async (tx) => {
      const rows = await tx
        .insert(webchatOutbox)
        .values(
          replies.map((r, i) => ({
            conversationId: ref.conversationId,
            author: r.author ?? ('bot' as const),
            authorName: r.authorName ?? null,
            text: r.text,
            suggestions: r.suggestions?.length ? r.suggestions : null,
            createdAt: now,
            idempotencyKey: keys[i],
          })),
        )
        .onConflictDoNothing()
        .returning({ id: webchatOutbox.id });
      if (!key || rows.length === replies.length) return { ids: rows.map((r) => r.id), inserted: rows.length };
      const stored = await tx
        .select({ id: webchatOutbox.id })
        .from(webchatOutbox)
        .where(inArray(webchatOutbox.idempotencyKey, keys as string[]))
        .orderBy(asc(webchatOutbox.id));
      return { ids: stored.map((r) => r.id), inserted: rows.length };
    });
    if (inserted) signalsFor(this.ctx.store).notify(webchatSignal(ref.conversationId));
    return { status: 'sent', ids: ids.map(String) };
  }
}

/** Outbox rows after the cursor, oldest first. */
export async function outboxAfter(ctx: DomainCtx, conversationId: string, after: number, limit = 50): Promise<WebchatOutboxRow[]> {
  return ctx.store.db
    .select()
    .from(webchatOutbox)
    .where(and(eq(webchatOutbox.conversationId, conversationId), gt(webchatOutbox.id, after)))
    .orderBy(asc(webchatOutbox.id))
    .limit(limit);
}

/** Drops outbox rows older than `days` (web chat sessions last hours; the page keeps its own copy). */
export async function pruneWebchatOutbox(ctx: DomainCtx, days: number): Promise<number> {
  const before = new Date(ctx.clock().getTime() - days * 86_400_000);
  const rows = await ctx.store.write((tx) =>
    tx.delete(webchatOutbox).where(lt(webchatOutbox.createdAt, before)).returning({ id: webchatOutbox.id }),
  );
  return rows.length;
}

/**
 * Copies what was queued for an old session since `since` into a new one (a member who comes back in a new web
 * chat session while their handoff is open sees the agent's replies there). Returns how many were copied.
 */
export async function carryOverOutbox(ctx: DomainCtx, from: string, to: string, since: Date): Promise<number> {
  const rows = await ctx.store.db
    .select()
    .from(webchatOutbox)
    .where(and(eq(webchatOutbox.conversationId, from), gte(webchatOutbox.createdAt, since)))
    .orderBy(asc(webchatOutbox.id));
  if (!rows.length) return 0;
  await ctx.store.write((tx) =>
    tx
      .insert(webchatOutbox)
      .values(
        rows.map(({ id: _id, conversationId: _c, ...r }) => ({
          ...r,
          conversationId: to,
          // A keyed message is keyed per session too: carried into the same new session once.
          idempotencyKey: r.idempotencyKey ? `${r.idempotencyKey}@${to}` : null,
        })),
      )
      .onConflictDoNothing(),
  );
  signalsFor(ctx.store).notify(webchatSignal(to));
  return rows.length;
}
