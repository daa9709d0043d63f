// Agent actions that reach the member: claim (with a "joined" notice), reply, retry, resolve (with CSAT), timeouts.
import type { StaffRole } from '../../db/schema/index.js';
import { render, type TemplateKey } from '../assistant/templates.js';
import type { OutboundReply } from '../assistant/types.js';
import type { Outbound } from '../channels/outbound.js';
import type { DomainCtx } from '../domain/context.js';
import { createSurvey } from '../domain/feedback/index.js';
import {
  claimHandoff,
  createDelivery,
  dueDeliveries,
  getDelivery,
  getHandoff,
  getHandoffSettings,
  pruneHandoffEvents,
  recordDeliveryResult,
  releaseHandoff,
  resolveHandoff,
  timeOutHandoffs,
} from '../domain/handoffs/index.js';
import type { HandoffDelivery } from '../../db/schema/index.js';
import { getStaff } from '../domain/staff/index.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { pruneWebchatOutbox } from '../channels/webchat/sender.js';

/** Who acts: enough of a staff principal to check ownership and sign messages. */
export interface Actor {
  id: string;
  role: StaffRole;
  displayName: string;
}

export interface HandoffServiceDeps {
  domain: DomainCtx;
  outbound: Outbound;
  log: Logger;
}

export const MAX_REPLY_CHARS = 4000;

export function createHandoffService(deps: HandoffServiceDeps) {
  const { domain: ctx, outbound, log } = deps;

  /** One delivery attempt through the member's channel; the result is stored (and shown to the agent). */
  async function attempt(d: HandoffDelivery): Promise<HandoffDelivery> {
    const actorName = d.kind === 'agent' && d.staffId ? (await getStaff({ ctx, input: { staffId: d.staffId } }))?.displayName : undefined;
    const reply: OutboundReply = {
      text: d.text,
      suggestions: d.suggestions ?? undefined,
      author: d.kind === 'agent' ? 'agent' : 'bot',
      authorName: actorName,
    };
    // The delivery id makes retries idempotent where the channel supports it (LINE X-Line-Retry-Key).
    const result = await outbound.send(d.conversationId, [reply], { purpose: 'conversation', idempotencyKey: `handoff-delivery:${d.id}` });
    if (result.status === 'failed')
      log.warn('handoff delivery failed', { deliveryId: d.id, httpStatus: result.httpStatus, retryable: result.retryable });
    return recordDeliveryResult({ ctx, input: { deliveryId: d.id, outcome: result.status === 'sent' ? { status: 'sent' } : result } });
  }

  async function send(input: Parameters<typeof createDelivery>[0]['input']): Promise<HandoffDelivery> {
    const { delivery, created } = await createDelivery({ ctx, input });
    // A retried request with the same client id returns the first delivery as it stands (sent once).
    return created ? attempt(delivery) : delivery;
  }

  async function requireHandoff(handoffId: string) {
    const h = await getHandoff({ ctx, input: { handoffId } });
    if (!h) throw new DomainError('not_found', 'No such handoff');
    return h;
  }

  function say(lang: 'zh-CN' | 'en', key: TemplateKey, vars?: Record<string, string | number>) {
    return render(lang, key, vars);
  }

  return {
    /** Claims atomically, then tells the member who joined. */
    async claim(actor: Actor, handoffId: string) {
      const h = await claimHandoff({ ctx, input: { handoffId, staffId: actor.id } });
      const notice = await send({
        handoffId: h.id,
        conversationId: h.conversationId,
        kind: 'notice',
        staffId: actor.id,
        text: say(h.locale, 'handoff_agent_joined', { agent: actor.displayName }),
        author: 'bot',
      });
      return { handoff: h, notice };
    },

    async release(actor: Actor, handoffId: string) {
      return releaseHandoff({ ctx, input: { handoffId, staffId: actor.id, asAdmin: actor.role === 'admin' } });
    },

    /** Sends the agent's words to the member's channel; `clientMessageId` makes a retried request send once. */
    async reply(actor: Actor, handoffId: string, text: string, clientMessageId?: string) {
      const body = text.trim();
      if (!body) throw new DomainError('bad_request', 'The reply is empty');
      if (body.length > MAX_REPLY_CHARS) throw new DomainError('bad_request', `A reply is at most ${MAX_REPLY_CHARS} characters`);
      const h = await requireHandoff(handoffId);
      if (h.status !== 'assigned')
        throw new DomainError('conflict', h.status === 'pending' ? 'Claim the handoff before replying' : `This handoff is ${h.status}`);
      if (h.agentId !== actor.id && actor.role !== 'admin')
        throw new DomainError('forbidden', `${h.agentName ?? 'Another agent'} has this conversation`);
      return send({
        handoffId: h.id,
        conversationId: h.conversationId,
        kind: 'agent',
        staffId: actor.id,
        text: body,
        clientMessageId,
        author: 'agent',
      });
    },

    /** Tries a failed delivery again now (also after automatic retries gave up). */
    async retry(deliveryId: string, handoffId?: string) {
      const d = await getDelivery({ ctx, input: { deliveryId } });
      if (!d || (handoffId && d.handoffId !== handoffId)) throw new DomainError('not_found', 'No such delivery');
      if (d.status === 'sent') return d;
      return attempt(d);
    },

    /** Hands the conversation back to the assistant and asks the member for a 1-5 rating. */
    async resolve(actor: Actor, handoffId: string, note?: string) {
      const h = await resolveHandoff({ ctx, input: { handoffId, staffId: actor.id, asAdmin: actor.role === 'admin', note } });
      const settings = await getHandoffSettings({ ctx, input: {} });
      const agent = h.agentId ? await getStaff({ ctx, input: { staffId: h.agentId } }) : null;
      const { created } = await createSurvey({
        ctx,
        input: {
          kind: 'csat',
          memberId: h.memberId,
          conversationId: h.conversationId,
          handoffId: h.id,
          agentId: h.agentId,
          source: 'handoff',
          ttlHours: settings.csatWindowHours,
        },
      });
      const csat = created
        ? await send({
            handoffId: h.id,
            conversationId: h.conversationId,
            kind: 'csat',
            staffId: actor.id,
            text: say(h.locale, 'csat_prompt', { agent: agent?.displayName ?? actor.displayName }),
            suggestions: [1, 2, 3, 4, 5].map((n) => ({ title: say(h.locale, `csat_option_${n}` as TemplateKey), value: String(n) })),
            author: 'bot',
          })
        : null;
      return { handoff: h, csat };
    },

    /**
     * The periodic job: live requests past the queue timeout become tickets (the member gets an apology and the
     * assistant resumes), due deliveries are retried, and old stream events and web chat outbox rows are dropped.
     */
    async sweep() {
      const timedOut = await timeOutHandoffs({ ctx, input: {} });
      for (const h of timedOut) {
        await send({
          handoffId: h.id,
          conversationId: h.conversationId,
          kind: 'notice',
          text: say(h.locale, 'handoff_timeout'),
          author: 'bot',
        });
      }
      const due = await dueDeliveries({ ctx, input: {} });
      let delivered = 0;
      for (const d of due) if ((await attempt(d)).status === 'sent') delivered += 1;
      const prunedEvents = await pruneHandoffEvents({ ctx, input: { days: 7 } });
      const prunedOutbox = await pruneWebchatOutbox(ctx, 2);
      return { timedOut: timedOut.length, retried: due.length, delivered, prunedEvents, prunedOutbox };
    },
  };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
