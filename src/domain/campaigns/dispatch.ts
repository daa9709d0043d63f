// The broadcast dispatcher: claims due deliveries with a lease, checks consent, cap, quiet hours and channel at send time, sends once.
import { and, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import {
  type Campaign,
  type CampaignDelivery,
  campaignDeliveries,
  campaigns,
  conversationReferences,
  type Member,
  members,
} from '../../../db/schema/index.js';
import type { Outbound, SendResult, StoredReference } from '../../channels/outbound.js';
import { randomSecret } from '../../lib/crypto.js';
import type { Logger } from '../../lib/log.js';
import type { StatePort } from '../../state/port.js';
import { DAY_MS } from '../../lib/time.js';
import type { DomainCtx } from '../context.js';
import { planCampaign } from './plan.js';
import { type QuietHours, quietUntil } from './quiet-hours.js';
import { renderForMember } from './render.js';

export interface DispatchOptions {
  batchSize: number;
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** At most `messages` marketing messages per member in `days` (messages 0: no cap). */
  cap: { messages: number; days: number };
  quietHours: QuietHours | null;
  /** What to do with a delivery left in `sending` by a crashed dispatcher (see README, "Broadcasts"). */
  recovery: 'resend' | 'fail';
  planBatchSize?: number;
  random?: () => number;
}

export const DEFAULT_DISPATCH: DispatchOptions = {
  batchSize: 200,
  concurrency: 8,
  leaseMs: 120_000,
  maxAttempts: 5,
  retryBaseMs: 5_000,
  cap: { messages: 2, days: 7 },
  quietHours: { start: 21, end: 9 },
  recovery: 'resend',
};

export interface DispatchDeps {
  ctx: DomainCtx;
  outbound: Outbound;
  log?: Logger;
  options?: Partial<DispatchOptions>;
  /**
   * Shared short-lived state (Upstash on Workers, memory on Node). With it, a send takes a per-member lock and
   * recounts the member's sent messages under it, so the frequency cap holds across processes too (two Worker
   * invocations sending two campaigns to one member at the same instant); without it the cap is exact per process.
   */
  state?: StatePort;
}

/** How long a per-member send lock lives if its holder dies: longer than the row's lease, which bounds a send. */
const memberLockSeconds = (leaseMs: number) => Math.ceil(leaseMs / 1000) + 10;
const memberLockKey = (memberId: string) => `broadcast:member:${memberId}`;

export interface DispatchSummary {
  started: number;
  planned: number;
  claimed: number;
  sent: number;
  skipped: number;
  held: number;
  retried: number;
  failed: number;
  recovered: number;
  completed: number;
}

/** The idempotency key of one delivery: every attempt of that row, in any process, sends with this key. */
export const deliveryKey = (id: number) => `broadcast-delivery:${id}`;

type Outcome =
  | { status: 'sent'; ref: StoredReference }
  | { status: 'skipped'; reason: string; error?: string; ref?: StoredReference }
  | { status: 'held'; until: Date; reason: string }
  | { status: 'retry'; delayMs: number; error: string; ref?: StoredReference }
  | { status: 'failed'; error: string; ref?: StoredReference };

/** Starts scheduled campaigns that are due and plans running campaigns that are not fully planned yet. */
async function startAndPlan(d: DispatchDeps, o: DispatchOptions, summary: DispatchSummary): Promise<void> {
  const { ctx } = d;
  const now = ctx.clock();
  const started = await ctx.store.write((tx) =>
    tx
      .update(campaigns)
      .set({ status: 'running', updatedAt: now })
      .where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.scheduleAt, now))),
  );
  summary.started += Number(started.rowsAffected);
  const unplanned = await ctx.store.db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, 'running'), isNull(campaigns.plannedAt)));
  for (const c of unplanned) summary.planned += (await planCampaign(ctx, c.id, { batchSize: o.planBatchSize })).planned;
}

/**
 * Claims up to `batchSize` due rows of running campaigns: planned or held rows whose time has come, and
 * rows left in `sending` by a dispatcher whose lease ran out (it crashed mid-send). One UPDATE ...
 * RETURNING marks them `sending` under a fresh token, so two dispatchers never hold one row.
 */
async function claim(ctx: DomainCtx, o: DispatchOptions, token: string): Promise<CampaignDelivery[]> {
  const now = ctx.clock().getTime();
  // With recovery `fail`, rows left mid-send are failed before claiming, never claimed (not even one whose lease ran out just now).
  const stale = o.recovery === 'resend' ? sql`or (d.status = 'sending' and d.claimed_until < ${now})` : sql``;
  // A row taken over from a stalled dispatcher gets the token with a mark (SET reads the old status), so the
  // pass knows its first attempt's outcome is unknown; every outcome is then recorded under the row's own token.
  const rows = await ctx.store.write((tx) =>
    tx.all<Record<string, unknown>>(sql`
      update campaign_deliveries set status = 'sending',
        claim_token = case when status = 'sending' then ${recoveredToken(token)} else ${token} end,
        claimed_until = ${now + o.leaseMs},
        attempts = attempts + 1
      where id in (
        select d.id from campaign_deliveries d join campaigns c on c.id = d.campaign_id
        where c.status = 'running' and (
          (d.status in ('planned', 'held') and d.next_attempt_at <= ${now})
          ${stale})
        order by d.next_attempt_at limit ${o.batchSize})
      returning id, campaign_id, member_id, variant, status, attempts, next_attempt_at, planned_at, claim_token`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    campaignId: String(r.campaign_id),
    memberId: String(r.member_id),
    variant: String(r.variant),
    status: 'sending',
    skipReason: null,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    claimToken: String(r.claim_token),
    claimedUntil: now + o.leaseMs,
    plannedAt: Number(r.planned_at),
    sentAt: null,
    channelId: null,
    conversationId: null,
    error: null,
  }));
}

/** The claim token of a row this pass took over from a dispatcher whose lease ran out mid-send. */
const recoveredToken = (token: string) => `${token}:recovered`;

/** Rows a crashed dispatcher left mid-send, failed as "outcome unknown" (recovery `fail`: at most once). */
async function failUncertain(ctx: DomainCtx): Promise<number> {
  const now = ctx.clock().getTime();
  const r = await ctx.store.write((tx) =>
    tx
      .update(campaignDeliveries)
      .set({ status: 'failed', error: 'outcome unknown: the dispatcher stopped during the send', claimToken: null, claimedUntil: null })
      .where(and(eq(campaignDeliveries.status, 'sending'), sql`${campaignDeliveries.claimedUntil} < ${now}`)),
  );
  return Number(r.rowsAffected);
}

/** Records one outcome, only while this dispatcher still holds the row's claim. */
async function record(ctx: DomainCtx, row: CampaignDelivery, outcome: Outcome): Promise<void> {
  const now = ctx.clock().getTime();
  const ref = 'ref' in outcome ? outcome.ref : undefined;
  const where = and(eq(campaignDeliveries.id, row.id), eq(campaignDeliveries.claimToken, row.claimToken!));
  const common = { claimToken: null, claimedUntil: null, channelId: ref?.channelId ?? null, conversationId: ref?.conversationId ?? null };
  let set: Partial<typeof campaignDeliveries.$inferInsert>;
  switch (outcome.status) {
    case 'sent':
      set = { ...common, status: 'sent', sentAt: now, error: null, skipReason: null };
      break;
    case 'skipped':
      set = { ...common, status: 'skipped', skipReason: outcome.reason, error: outcome.error ?? null };
      break;
    case 'held':
      // Waiting for the quiet hours to end is not an attempt.
      set = { ...common, status: 'held', skipReason: outcome.reason, nextAttemptAt: outcome.until.getTime(), attempts: row.attempts - 1 };
      break;
    case 'retry':
      set = { ...common, status: 'planned', nextAttemptAt: now + outcome.delayMs, error: outcome.error };
      break;
    case 'failed':
      set = { ...common, status: 'failed', error: outcome.error };
      break;
  }
  await ctx.store.write((tx) => tx.update(campaignDeliveries).set(set).where(where));
}

function backoff(o: DispatchOptions, attempts: number, retryAfterMs: number | undefined): number {
  const random = o.random ?? Math.random;
  const exp = o.retryBaseMs * 2 ** Math.max(0, attempts - 1);
  return Math.min(Math.max(exp, retryAfterMs ?? 0) * (1 + random() * 0.25), 3_600_000);
}

/** The send result as an outcome: a channel's refusal is a skip with its reason; 429/5xx retry with backoff. */
function fromSend(o: DispatchOptions, row: CampaignDelivery, ref: StoredReference, r: SendResult): Outcome {
  if (r.status === 'sent') return { status: 'sent', ref };
  if (r.reason) return { status: 'skipped', reason: r.reason, error: r.error, ref };
  if (r.retryable && row.attempts < o.maxAttempts)
    return { status: 'retry', delayMs: backoff(o, row.attempts, r.retryAfterMs), error: r.error, ref };
  return { status: 'failed', error: r.error, ref };
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/** What one dispatcher batch read once for all its rows. */
interface Batch {
  /** This batch's claim token (also the member lock's value). */
  token: string;
  members: Map<string, Member>;
  campaigns: Map<string, Campaign>;
  /** Each member's conversations, most recently used first. */
  refs: Map<string, StoredReference[]>;
  /** Sent plus in flight, per member: checked and taken synchronously, so two rows of one member never both pass the cap. */
  capUsed: Map<string, number>;
}

/** What an attempt took that its caller must give back: a cap slot (if not sent) and the member lock. */
interface Attempt {
  tookCap: boolean;
  lockHeld: boolean;
}

/** The first of the member's conversations the channel's rules let us reach for marketing, or the first refusal. */
async function reachable(outbound: DispatchDeps['outbound'], candidates: StoredReference[]) {
  let refusal: string | null = null;
  for (const c of candidates) {
    const why = await outbound.check(c, { purpose: 'marketing' });
    if (!why) return { ref: c, refusal: null };
    refusal ??= why;
  }
  return { ref: undefined, refusal };
}

/**
 * The send decision for one claimed row: each rule in turn (member, consent, cap, quiet hours, a reachable
 * conversation, a stalled attempt on a channel that cannot drop a repeat, the message's variables, the member lock
 * and the cap recounted under it), then the send with the row's idempotency key.
 */
async function deliver(d: DispatchDeps, o: DispatchOptions, batch: Batch, row: CampaignDelivery, attempt: Attempt): Promise<Outcome> {
  const { ctx, outbound } = d;
  const member = batch.members.get(row.memberId);
  const campaign = batch.campaigns.get(row.campaignId);
  if (!member || !campaign) return { status: 'skipped', reason: 'no_member' };
  if (!member.marketingConsent) return { status: 'skipped', reason: 'no_consent' };
  if (o.cap.messages > 0 && (batch.capUsed.get(member.id) ?? 0) >= o.cap.messages) return { status: 'skipped', reason: 'cap' };
  const until = quietUntil(ctx.clock(), member.timeZone, o.quietHours);
  if (until) return { status: 'held', until, reason: 'quiet_hours' };
  const { ref, refusal } = await reachable(outbound, batch.refs.get(member.id) ?? []);
  if (!ref) return { status: 'skipped', reason: refusal ?? 'no_channel' };
  if (row.claimToken === recoveredToken(batch.token) && outbound.channel(ref.channelId)?.rules.deduplicates === false) {
    // The stalled attempt may have reached the member, and this channel would show a resend twice: at most once.
    return {
      status: 'failed',
      error: 'outcome unknown: the dispatcher stopped during the send, and this channel cannot drop a repeat',
      ref,
    };
  }
  const message = await renderForMember(ctx, campaign, row.variant, member);
  if (message.missing.length)
    return { status: 'skipped', reason: 'missing_variable', error: `no value for ${message.missing.join(', ')}`, ref };
  if (d.state !== undefined && o.cap.messages > 0) {
    const lock = memberLockKey(member.id);
    if (!(await d.state.set(lock, batch.token, { ttlSeconds: memberLockSeconds(o.leaseMs), onlyIfAbsent: true }))) {
      // Another process is sending this member a message right now: hold the row a moment (no attempt used), then count it.
      return {
        status: 'held',
        until: new Date(ctx.clock().getTime() + 1_000 + Math.floor((o.random ?? Math.random)() * 2_000)),
        reason: 'member_busy',
      };
    }
    attempt.lockHeld = true;
    const sentNow = (await sentCounts(ctx, [member.id], ctx.clock().getTime() - o.cap.days * DAY_MS)).get(member.id) ?? 0;
    if (sentNow >= o.cap.messages) return { status: 'skipped', reason: 'cap' };
  }
  batch.capUsed.set(member.id, (batch.capUsed.get(member.id) ?? 0) + 1);
  attempt.tookCap = true;
  const r = await outbound.sendTo(ref, [{ text: message.text }], { purpose: 'marketing', idempotencyKey: deliveryKey(row.id) });
  return fromSend(o, row, ref, r);
}

/**
 * One dispatcher pass: start due campaigns, plan, then claim and send batches until nothing is due (or
 * `maxBatches`). Every send-time rule is checked on the member store as it is now: marketing consent,
 * the frequency cap (sent marketing messages in the last `cap.days`), quiet hours in the member's zone
 * (the row is `held` until they end), and a conversation the channel's rules let us reach for marketing.
 *
 * Exactly once: a claimed row is `sending` before the channel is called, and every attempt of a row
 * sends with the same idempotency key. A crash after the claim leaves it `sending`; when its lease runs
 * out another pass claims it again and, with recovery `resend`, sends with the same key (the Bot
 * Framework sender uses it as the activity id, LINE as X-Line-Retry-Key), so a message that did go out
 * is not delivered twice, and one that did not is not lost. With recovery `fail` such rows fail instead,
 * and so do they on a channel whose rules say it cannot drop a repeat (`deduplicates: false`: WeChat, Telegram).
 */
export async function dispatchOnce(d: DispatchDeps, limits: { maxBatches?: number } = {}): Promise<DispatchSummary> {
  const o = { ...DEFAULT_DISPATCH, ...d.options };
  const { ctx } = d;
  const summary: DispatchSummary = {
    started: 0,
    planned: 0,
    claimed: 0,
    sent: 0,
    skipped: 0,
    held: 0,
    retried: 0,
    failed: 0,
    recovered: 0,
    completed: 0,
  };
  await startAndPlan(d, o, summary);
  if (o.recovery === 'fail') summary.recovered += await failUncertain(ctx);
  const campaignCache = new Map<string, Campaign>();
  for (let batch = 0; batch < (limits.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
    const token = randomSecret(12);
    const rows = await claim(ctx, o, token);
    summary.claimed += rows.length;
    if (rows.length === 0) break;
    const memberIds = [...new Set(rows.map((r) => r.memberId))];
    const now = ctx.clock();
    const [memberRows, refRows, sentBefore, campaignRows] = await Promise.all([
      ctx.store.db.select().from(members).where(inArray(members.id, memberIds)),
      ctx.store.db.select().from(conversationReferences).where(inArray(conversationReferences.memberId, memberIds)),
      o.cap.messages > 0 ? sentCounts(ctx, memberIds, now.getTime() - o.cap.days * DAY_MS) : Promise.resolve(new Map<string, number>()),
      ctx.store.db
        .select()
        .from(campaigns)
        .where(
          inArray(
            campaigns.id,
            [...new Set(rows.map((r) => r.campaignId))].filter((id) => !campaignCache.has(id)),
          ),
        ),
    ]);
    for (const c of campaignRows) campaignCache.set(c.id, c);
    const byMember = new Map<string, Member>(memberRows.map((m) => [m.id, m]));
    const refs = new Map<string, StoredReference[]>();
    for (const r of refRows.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())) {
      const list = refs.get(r.memberId!) ?? [];
      list.push({ conversationId: r.conversationId, channelId: r.channelId, memberId: r.memberId, reference: r.reference });
      refs.set(r.memberId!, list);
    }
    const capUsed = sentBefore;
    const batchState: Batch = { token, members: byMember, campaigns: campaignCache, refs, capUsed };
    await pool(rows, o.concurrency, async (row) => {
      let outcome: Outcome;
      const attempt: Attempt = { tookCap: false, lockHeld: false };
      try {
        outcome = await deliver(d, o, batchState, row, attempt);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        d.log?.warn('broadcast delivery failed', { deliveryId: row.id, err: error });
        outcome =
          row.attempts < o.maxAttempts
            ? { status: 'retry', delayMs: backoff(o, row.attempts, undefined), error }
            : { status: 'failed', error };
      }
      if (attempt.tookCap && outcome.status !== 'sent') capUsed.set(row.memberId, (capUsed.get(row.memberId) ?? 1) - 1);
      try {
        await record(ctx, row, outcome);
      } finally {
        // Released only once the outcome is recorded, so the next holder's recount sees this send.
        // Only our own lock (one that outlived its TTL may be another process's by now).
        if (attempt.lockHeld && (await d.state!.get(memberLockKey(row.memberId))) === token)
          await d.state!.del(memberLockKey(row.memberId));
      }
      if (outcome.status === 'sent') summary.sent++;
      else if (outcome.status === 'skipped') summary.skipped++;
      else if (outcome.status === 'held') summary.held++;
      else if (outcome.status === 'retry') summary.retried++;
      else summary.failed++;
    });
    if (rows.length < o.batchSize) break;
  }
  summary.completed += await completeFinished(ctx);
  if (summary.claimed || summary.planned || summary.started) d.log?.info('broadcast dispatch', { ...summary });
  return summary;
}

/** Marketing messages sent to each of these members since `since` (epoch ms); members with none are absent. */
async function sentCounts(ctx: DomainCtx, memberIds: string[], since: number): Promise<Map<string, number>> {
  const rows = await ctx.store.db
    .select({ memberId: campaignDeliveries.memberId, n: sql<number>`count(*)` })
    .from(campaignDeliveries)
    .where(
      and(
        inArray(campaignDeliveries.memberId, memberIds),
        isNotNull(campaignDeliveries.sentAt),
        sql`${campaignDeliveries.sentAt} > ${since}`,
      ),
    )
    .groupBy(campaignDeliveries.memberId);
  return new Map(rows.map((r) => [r.memberId, Number(r.n)]));
}

/** Running campaigns that are fully planned and have nothing left to send become `completed`. */
async function completeFinished(ctx: DomainCtx): Promise<number> {
  const now = ctx.clock();
  const r = await ctx.store.write((tx) =>
    tx.run(sql`
      update campaigns set status = 'completed', completed_at = ${now.getTime()}, updated_at = ${now.getTime()}
      where status = 'running' and planned_at is not null and not exists (
        select 1 from campaign_deliveries d where d.campaign_id = campaigns.id and d.status in ('planned', 'held', 'sending'))`),
  );
  return Number(r.rowsAffected);
}
