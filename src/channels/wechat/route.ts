// GET/POST /api/channels/wechat: server URL verification and pushed messages, answered within WeChat's 5-second window.
import { Hono } from 'hono';
import { fitReplies } from '../contract.js';
import type { AppEnv } from '../../http/app-env.js';
import { DomainError } from '../../lib/errors.js';
import type { RouteDoc } from '../../http/openapi.js';
import { runChannelTurn, runInBackground } from '../inbound.js';

export const WECHAT_PATH = '/api/channels/wechat';

export const wechatDocs: RouteDoc[] = [
  {
    method: 'get',
    path: WECHAT_PATH,
    summary: 'WeChat server URL verification: echoes `echostr` when `signature` matches (text/plain)',
    tag: 'channels',
    security: 'wechatSignature',
    errors: { 401: 'Bad signature', 404: 'WeChat is not configured' },
  },
  {
    method: 'post',
    path: WECHAT_PATH,
    summary: 'WeChat pushed message (XML, plaintext or safe mode); answered with a passive XML reply or `success`',
    tag: 'channels',
    security: 'wechatSignature',
    errors: {
      401: 'Bad signature or msg_signature, or a stale timestamp',
      403: 'Not decryptable for this AppID',
      404: 'WeChat is not configured',
    },
  },
];

const ASYNC = 'wechat:async:';

export function wechatRoutes() {
  const app = new Hono<AppEnv>();
  app.on(['GET', 'POST'], WECHAT_PATH, async (c) => {
    const deps = c.get('deps');
    const channel = deps.channels.wechat;
    if (!channel) throw new DomainError('not_found', 'The WeChat channel is not configured');
    const received = await channel.receive(c.req.raw);
    if (received.response) return received.response;
    const event = received.events[0];
    if (!event) return c.text('success');
    const activityId = event.activity.activityId ?? '';
    const turn = runChannelTurn(deps, channel, event);
    // WeChat waits 5 seconds, then retries (same MsgId) up to three times. Answer in time either way:
    // the passive reply if the turn is done, else "success" now and the answer as customer-service messages.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), deps.config.WECHAT_REPLY_DEADLINE_MS);
    });
    const result = await Promise.race([turn, deadline]);
    clearTimeout(timer);
    const conversationId = `${event.activity.channelId}:${event.activity.channelConversationId}`;
    if (result) {
      // A retry of a push we answered asynchronously already got its answer.
      if (result.duplicate && (await deps.state.get(ASYNC + activityId))) return c.text('success');
      // An agent who took the conversation while the turn ran (or before WeChat retried it) is not talked over.
      const replies = await deps.gate.release(conversationId, result.replies);
      if (!replies.length) return c.text('success');
      const { response, rest } = await channel.passiveReply(event, replies);
      if (rest.length && !result.duplicate) runInBackground(c, channel.reply(event, rest));
      return response;
    }
    await deps.state.set(ASYNC + activityId, '1', { ttlSeconds: deps.config.DEDUPE_TTL_SECONDS });
    runInBackground(
      c,
      turn.then(async (late) => {
        if (late.duplicate || !late.replies.length) return;
        const replies = await deps.gate.release(conversationId, late.replies);
        if (!replies.length) return;
        const sent = await channel.reply(event, fitReplies(channel.capabilities, replies, { proactive: true }));
        if (sent.status === 'failed') deps.log.warn('wechat late reply failed', { reason: sent.reason, error: sent.error });
      }),
    );
    return c.text('success');
  });
  return app;
}
