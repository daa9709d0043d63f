// POST /api/messages: Bot Framework activities (Azure Bot Service channels, the Emulator) into the turn pipeline.
import { refreshedRefKey } from '../../state/keys.js';
import { TurnContext, type Activity } from 'botbuilder-core';
import { Hono } from 'hono';
import * as z from 'zod/v4';
import type { OutboundReply } from '../../assistant/types.js';
import { saveConversationReference } from '../../domain/conversations/index.js';
import type { AppDeps } from '../../deps.js';
import type { AppEnv } from '../../http/app-env.js';
import { requireJsonContentType } from '../../http/middleware.js';
import { MAX_MESSAGE_BYTES, messageBytes } from '../../jobs/queue.js';
import { DomainError } from '../../lib/errors.js';
import { fitReplies } from '../contract.js';
import { BOT_FRAMEWORK_CAPABILITIES } from './channel.js';
import type { InboundActivity } from '../../turn/types.js';
import { BotAuthError, type BotTurn, type FetchBotAdapter } from './adapter.js';

/** The minimum botbuilder needs; anything less makes it throw deep inside, so it is a 400 here. */
export const activitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(256).optional(),
    channelId: z.string().min(1).max(64),
    // Replies are POSTed here: only http(s) (a `javascript:` or `file:` URL parses as a URL too).
    // A refine, not `.url()`: some zod 4 releases normalize the URL they check (lower-cased scheme and host), and the
    // reply must go to the serviceUrl exactly as the channel sent it.
    serviceUrl: z
      .string()
      .max(2048)
      .refine((u) => /^https?:\/\/[^/]/i.test(u) && URL.canParse(u), 'must be an http(s) URL'),
    from: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }).passthrough(),
    recipient: z
      .object({ id: z.string().max(256) })
      .passthrough()
      .optional(),
    conversation: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    text: z.string().max(100_000).optional(),
    locale: z.string().max(32).optional(),
    attachments: z.array(z.unknown()).max(50).optional(),
    entities: z
      .array(z.object({ type: z.string().max(64) }).passthrough())
      .max(100)
      .optional(),
    membersAdded: z
      .array(z.object({ id: z.string() }).passthrough())
      .max(1000)
      .optional(),
  })
  .passthrough();

const str = (v: unknown, min: number, max: number): boolean => typeof v === 'string' && v.length >= min && v.length <= max;
const optStr = (v: unknown, max: number): boolean => v === undefined || (typeof v === 'string' && v.length <= max);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optArray = (v: unknown, max: number): v is unknown[] | undefined => v === undefined || (Array.isArray(v) && v.length <= max);
/** Printable ASCII only: nothing `activitySchema` would trim or strip before checking the URL. */
const PLAIN_HTTP_URL = /^https?:\/\/[\x21-\x2e\x30-\x7e][\x21-\x7e]*$/i;

/**
 * True only for a body `activitySchema` accepts unchanged, checked without zod (which costs more than the rest of
 * parsing a turn's body). Anything else, valid or not, goes through the schema, which decides and explains.
 */
export function isPlainActivity(body: unknown): body is z.output<typeof activitySchema> {
  if (!isObject(body)) return false;
  const { from, recipient, conversation, entities, membersAdded, serviceUrl } = body;
  if (!str(body.type, 1, 64) || !optStr(body.id, 256) || !str(body.channelId, 1, 64)) return false;
  if (typeof serviceUrl !== 'string' || serviceUrl.length > 2048 || !PLAIN_HTTP_URL.test(serviceUrl) || !URL.canParse(serviceUrl))
    return false;
  if (!isObject(from) || !str(from.id, 1, 256) || !optStr(from.name, 256)) return false;
  if (recipient !== undefined && (!isObject(recipient) || !str(recipient.id, 0, 256))) return false;
  if (!isObject(conversation) || !str(conversation.id, 1, 512)) return false;
  if (!optStr(body.text, 100_000) || !optStr(body.locale, 32) || !optArray(body.attachments, 50)) return false;
  if (!optArray(entities, 100) || !optArray(membersAdded, 1000)) return false;
  if (entities && !entities.every((e) => isObject(e) && str(e.type, 0, 64))) return false;
  if (membersAdded && !membersAdded.every((m) => isObject(m) && typeof m.id === 'string')) return false;
  return true;
}

/**
 * Teams and Slack prefix mentions of the bot; the member's words are what follows. Written here rather than
 * TurnContext.removeRecipientMention, which throws on a mention without `mentioned`, text or recipient.
 */
function withoutBotMention(activity: Activity): string {
  const text = typeof activity.text === 'string' ? activity.text : '';
  const botId = activity.recipient?.id;
  for (const e of activity.entities ?? []) {
    const m = e as { type: string; text?: unknown; mentioned?: { id?: unknown } | null };
    if (m.type.toLowerCase() === 'mention' && botId && m.mentioned?.id === botId && typeof m.text === 'string' && m.text) {
      return text.replace(m.text, '').trim();
    }
  }
  return text;
}

/** Maps a Bot Framework activity to the pipeline's channel-neutral shape. */
export function toInbound(activity: Activity): InboundActivity {
  // Each shape written out whole (no spread of a shared base): one object literal, one hidden class per type.
  const { channelId, locale } = activity;
  const channelUserId = activity.from.id;
  const channelConversationId = activity.conversation.id;
  const activityId = activity.id;
  if (activity.type === 'message') {
    const text = withoutBotMention(activity);
    const hasAttachments = (activity.attachments?.length ?? 0) > 0;
    return { type: 'message', channelId, channelUserId, channelConversationId, activityId, locale, text, hasAttachments };
  }
  if (activity.type === 'conversationUpdate') {
    const botId = activity.recipient?.id;
    const userJoined = (activity.membersAdded ?? []).some((m) => m.id !== botId);
    return { type: 'conversationUpdate', channelId, channelUserId, channelConversationId, activityId, locale, userJoined };
  }
  return { type: 'other', channelId, channelUserId, channelConversationId, activityId, locale };
}

/** A reply as a Bot Framework message activity (suggestions become suggested actions). */
export function toActivity(reply: OutboundReply, userId: string): Partial<Activity> {
  return {
    type: 'message',
    text: reply.text,
    textFormat: 'plain',
    suggestedActions: reply.suggestions?.length
      ? { to: [userId], actions: reply.suggestions.map((s) => ({ type: 'imBack', title: s.title, value: s.value })) }
      : undefined,
  };
}

/** The turn itself: pipeline, replies through the connector, and the conversation reference for proactive sends. */
function turnLogic(deps: AppDeps, options: { typing: boolean }) {
  return async (context: BotTurn) => {
    const inbound = toInbound(context.activity);
    if (options.typing) context.sendActivity({ type: 'typing' }).catch((err) => deps.log.warn('typing indicator failed', { err }));
    const result = await deps.pipeline(inbound);
    if (result.duplicate) return;
    const conversationId = `${inbound.channelId}:${inbound.channelConversationId}`;
    // Checked right before sending: an agent who took the conversation while the turn ran is not talked over.
    const released = await deps.gate.release(conversationId, result.replies);
    const replies = fitReplies(BOT_FRAMEWORK_CAPABILITIES, released, { proactive: false });
    if (replies.length) await context.sendActivities(replies.map((r) => toActivity(r, inbound.channelUserId)));
    if (result.memberId && inbound.type === 'message') {
      // The reference rarely changes: refresh it at most hourly instead of writing it every turn.
      if (
        result.intent !== 'busy' &&
        (await deps.state.set(refreshedRefKey(conversationId), '1', { ttlSeconds: 3600, onlyIfAbsent: true }))
      ) {
        try {
          await saveConversationReference({
            ctx: deps.domain,
            input: {
              conversationId,
              channelId: inbound.channelId,
              memberId: result.memberId,
              reference: TurnContext.getConversationReference(context.activity) as Record<string, unknown>,
            },
          });
        } catch (err) {
          // The member has had the answer; a reference not refreshed now (store busy) is tried again next turn.
          deps.log.warn('conversation reference not saved', { conversationId, err });
          await deps.state.del(refreshedRefKey(conversationId));
        }
      }
    }
  };
}

/**
 * Consumer of `llm-reply` queue messages (Workers): answers an activity acknowledged earlier. A redelivered
 * message is a duplicate activity id to the pipeline, so it is never answered twice.
 */
export async function answerQueuedActivity(deps: AppDeps, activity: Record<string, unknown>): Promise<void> {
  const parsed = activitySchema.safeParse(activity);
  if (!parsed.success) {
    deps.log.error('queued activity is not an activity; dropped', { issues: parsed.error.issues.length });
    return;
  }
  await deps.botAdapter.processAuthenticatedActivity(parsed.data as unknown as Activity, turnLogic(deps, { typing: false }));
}

export function botFrameworkRoutes(adapter: FetchBotAdapter) {
  const app = new Hono<AppEnv>();
  app.post('/api/messages', async (c) => {
    const deps = c.get('deps');
    requireJsonContentType(c);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new DomainError('bad_request', 'Body must be a JSON Bot Framework activity');
    }
    const parsed = isPlainActivity(body) ? { success: true as const, data: body } : activitySchema.safeParse(body);
    if (!parsed.success) {
      throw new DomainError(
        'bad_request',
        `Not a valid activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`,
      );
    }
    const activity = parsed.data as unknown as Activity;
    const authHeader = c.req.header('authorization') ?? '';
    // A language-model turn can outlast the channel's ~15 s timeout: show typing, and if the answer is not
    // ready after BOT_ACK_AFTER_MS, acknowledge now and let the reply follow on the same conversation.
    const slow = deps.brain.name !== 'offline' && activity.type === 'message';
    try {
      // With a durable queue (Cloudflare Queues) the turn is not raced at all: it is acknowledged at once and
      // answered by the queue consumer, which has minutes of wall time and retries, where waitUntil has ~30 s.
      if (slow && deps.queue.durable && messageBytes({ type: 'llm-reply', activity: parsed.data }) <= MAX_MESSAGE_BYTES) {
        await adapter.authenticate(activity, authHeader);
        await adapter.processAuthenticatedActivity(activity, async (context) => {
          await context.sendActivity({ type: 'typing' }).catch((err) => deps.log.warn('typing indicator failed', { err }));
        });
        await deps.queue.enqueue({ type: 'llm-reply', activity: parsed.data });
        return c.body(null, 202);
      }
      const work = adapter.processActivity(activity, authHeader, turnLogic(deps, { typing: slow }));
      if (slow) {
        const ack = new Promise<'ack'>((r) => setTimeout(() => r('ack'), deps.config.BOT_ACK_AFTER_MS));
        const first = await Promise.race([work, ack]);
        if (first === 'ack') {
          const rest = work.catch((err) => deps.log.error('asynchronous reply failed', { err }));
          try {
            c.executionCtx.waitUntil(rest);
          } catch {
            // Node has no execution context: the promise simply keeps running.
          }
          return c.body(null, 202);
        }
      }
      const invoke = await work;
      if (invoke) return c.json(invoke.body ?? {}, invoke.status as 200);
      return c.body(null, 200);
    } catch (err) {
      if (err instanceof BotAuthError) throw new DomainError('unauthorized', 'Bot Framework authentication failed');
      throw err;
    }
  });
  return app;
}
