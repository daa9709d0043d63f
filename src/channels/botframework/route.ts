// POST /api/messages: Bot Framework activities (Azure Bot Service channels, the Emulator) into the turn pipeline.
import { TurnContext, type Activity } from 'botbuilder-core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { OutboundReply } from '../../assistant/types.js';
import { saveConversationReference } from '../../domain/conversations/index.js';
import type { AppEnv } from '../../http/app-env.js';
import { DomainError } from '../../lib/errors.js';
import type { InboundActivity } from '../../turn/types.js';
import { BotAuthError, type FetchBotAdapter } from './adapter.js';

/** The minimum botbuilder needs; anything less makes it throw deep inside, so it is a 400 here. */
export const activitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(256).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().url().max(2048),
    from: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }).passthrough(),
    recipient: z
      .object({ id: z.string().max(256) })
      .passthrough()
      .optional(),
    conversation: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    text: z.string().max(100_000).optional(),
    locale: z.string().max(32).optional(),
    attachments: z.array(z.unknown()).max(50).optional(),
    membersAdded: z
      .array(z.object({ id: z.string() }).passthrough())
      .max(1000)
      .optional(),
  })
  .passthrough();

/** Maps a Bot Framework activity to the pipeline's channel-neutral shape. */
export function toInbound(activity: Activity): InboundActivity {
  const base = {
    channelId: activity.channelId,
    channelUserId: activity.from.id,
    channelConversationId: activity.conversation.id,
    activityId: activity.id,
    locale: activity.locale,
  };
  if (activity.type === 'message') {
    // Teams and Slack prefix mentions of the bot; the member's words are what follows.
    const text = activity.entities?.length ? TurnContext.removeRecipientMention(activity) : activity.text;
    return { ...base, type: 'message', text: text ?? '', hasAttachments: (activity.attachments?.length ?? 0) > 0 };
  }
  if (activity.type === 'conversationUpdate') {
    const botId = activity.recipient?.id;
    return { ...base, type: 'conversationUpdate', userJoined: (activity.membersAdded ?? []).some((m) => m.id !== botId) };
  }
  return { ...base, type: 'other' };
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

export function botFrameworkRoutes(adapter: FetchBotAdapter) {
  const app = new Hono<AppEnv>();
  app.post('/api/messages', async (c) => {
    const deps = c.get('deps');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new DomainError('bad_request', 'Body must be a JSON Bot Framework activity');
    }
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) {
      throw new DomainError(
        'bad_request',
        `Not a valid activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`,
      );
    }
    const activity = parsed.data as unknown as Activity;
    // A language-model turn can outlast the channel's ~15 s timeout: show typing, and if the answer is not
    // ready after BOT_ACK_AFTER_MS, acknowledge now and let the reply follow on the same conversation.
    const slow = deps.brain.name !== 'offline' && activity.type === 'message';
    const work = adapter.processActivity(activity, c.req.header('authorization') ?? '', async (context) => {
      const inbound = toInbound(context.activity);
      if (slow) context.sendActivity({ type: 'typing' }).catch((err) => deps.log.warn('typing indicator failed', { err }));
      const result = await deps.pipeline(inbound);
      if (result.duplicate) return;
      const conversationId = `${inbound.channelId}:${inbound.channelConversationId}`;
      // Checked right before sending: an agent who took the conversation while the turn ran is not talked over.
      const replies = await deps.gate.release(conversationId, result.replies);
      if (replies.length) await context.sendActivities(replies.map((r) => toActivity(r, inbound.channelUserId)));
      if (result.memberId && inbound.type === 'message') {
        // The reference rarely changes: refresh it at most hourly instead of writing it every turn.
        if (await deps.state.set(`ref:${conversationId}`, '1', { ttlSeconds: 3600, onlyIfAbsent: true })) {
          await saveConversationReference({
            ctx: deps.domain,
            input: {
              conversationId,
              channelId: inbound.channelId,
              memberId: result.memberId,
              reference: TurnContext.getConversationReference(context.activity) as Record<string, unknown>,
            },
          });
        }
      }
    });
    try {
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
