// Campaign verbs: create and update drafts, preview for a member, launch (now or scheduled), pause, resume, cancel.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Campaign, type CampaignStatus, campaignDeliveries, campaigns } from '../../../db/schema/index.js';
import { randomSecret } from '../../lib/crypto.js';
import { DomainError, validate } from '../../lib/errors.js';
import type { DomainCtx, Verb } from '../context.js';
import { getMember } from '../members/index.js';
import { compileSegment, getSegment, type SegmentDefinition } from '../segments/index.js';
import { type CampaignInput, type CampaignPatch, campaignInputSchema, campaignPatchSchema, splitProblems } from './input.js';
import { type RenderedMessage, renderForMember, templateFor } from './render.js';
import { bucketOf, campaignSeed, variantForBucket } from './assign.js';
import { templateProblems } from './template.js';

/** Loads a campaign or fails with not_found. */
export async function loadCampaign(ctx: DomainCtx, id: string): Promise<Campaign> {
  const [c] = await ctx.store.db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1);
  if (!c) throw new DomainError('not_found', 'No such campaign');
  return c;
}

async function resolveSegment(ctx: DomainCtx, segmentId: string | undefined, segment: SegmentDefinition | undefined) {
  if (segment) return { segmentId: segmentId ?? null, segment };
  if (!segmentId) throw new DomainError('bad_request', 'give segment or segmentId');
  const s = await getSegment({ ctx, input: { id: segmentId } });
  return { segmentId, segment: s.definition as SegmentDefinition };
}

function problemsOrThrow(ctx: DomainCtx, variants: Campaign['variants']) {
  const problems = templateProblems(variants, ctx.shop);
  if (problems.length) throw new DomainError('bad_request', `Invalid templates: ${problems.join('; ')}`, { problems });
}

/** Creates a draft. Unknown template variables are refused here already; nothing is sent before launch. */
export const createCampaign: Verb<CampaignInput & { createdBy?: string | null }, Campaign> = async ({ ctx, input }) => {
  const v = validate(campaignInputSchema, input);
  const seg = await resolveSegment(ctx, v.segmentId, v.segment);
  problemsOrThrow(ctx, v.variants);
  const now = ctx.clock();
  const row = {
    id: `cmp_${randomSecret(9)}`,
    name: v.name,
    status: 'draft' as const,
    ...seg,
    variants: v.variants,
    holdoutPct: v.holdoutPct,
    scheduleAt: v.scheduleAt ? new Date(v.scheduleAt) : null,
    costPerMessageCents: v.costPerMessageCents,
    attributionDays: v.attributionDays,
    createdBy: input.createdBy ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.write((tx) => tx.insert(campaigns).values(row));
  return loadCampaign(ctx, row.id);
};

/** Updates a draft or a scheduled campaign that has not started; anything later is fixed. */
export const updateCampaign: Verb<{ id: string; patch: CampaignPatch }, Campaign> = async ({ ctx, input }) => {
  const p = validate(campaignPatchSchema, input.patch);
  const current = await loadCampaign(ctx, input.id);
  if (current.status !== 'draft') throw new DomainError('conflict', `A ${current.status} campaign cannot be edited`);
  const variants = p.variants ?? current.variants;
  const holdoutPct = p.holdoutPct ?? current.holdoutPct;
  const issues = splitProblems(variants, holdoutPct);
  if (issues.length) throw new DomainError('bad_request', `Invalid input: ${issues.join('; ')}`);
  problemsOrThrow(ctx, variants);
  const seg = p.segment || p.segmentId ? await resolveSegment(ctx, p.segmentId, p.segment) : {};
  const set = {
    ...(p.name !== undefined && { name: p.name }),
    ...seg,
    variants,
    holdoutPct,
    ...(p.scheduleAt !== undefined && { scheduleAt: p.scheduleAt ? new Date(p.scheduleAt) : null }),
    ...(p.costPerMessageCents !== undefined && { costPerMessageCents: p.costPerMessageCents }),
    ...(p.attributionDays !== undefined && { attributionDays: p.attributionDays }),
    updatedAt: ctx.clock(),
  };
  const n = await ctx.store.write((tx) =>
    tx
      .update(campaigns)
      .set(set)
      .where(and(eq(campaigns.id, input.id), eq(campaigns.status, 'draft'))),
  );
  if (n.rowsAffected === 0) throw new DomainError('conflict', 'The campaign changed meanwhile; reload it');
  return loadCampaign(ctx, input.id);
};

export const listCampaigns: Verb<{ status?: CampaignStatus; limit?: number }, Campaign[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(campaigns)
    .where(input.status ? eq(campaigns.status, input.status) : undefined)
    .orderBy(desc(campaigns.createdAt))
    .limit(Math.min(input.limit ?? 100, 500));

/**
 * The message a member would get now, for any member (in the segment or not): the variant they are
 * assigned (or `variant` to force one), and the variables with no value for them.
 */
export const previewCampaign: Verb<
  { id: string; memberId: string; variant?: string },
  RenderedMessage & { assigned: string; inSegment: boolean }
> = async ({ ctx, input }) => {
  const c = await loadCampaign(ctx, input.id);
  const member = await getMember({ ctx, input: { memberId: input.memberId } });
  if (!member) throw new DomainError('not_found', 'Member not found');
  const compiled = compileSegment(c.segment as SegmentDefinition, ctx.clock());
  const [row] = await ctx.store.db.all<{ rowid: number; hit: number }>(
    sql`select m.rowid as rowid, (${compiled.where}) as hit from ${compiled.from} where m.id = ${member.id}`,
  );
  const assigned = variantForBucket(bucketOf(Number(row.rowid), campaignSeed(c.id)), c.variants, c.holdoutPct);
  const variant = input.variant ?? (assigned === 'holdout' ? c.variants[0].key : assigned);
  if (!c.variants.some((v) => v.key === variant)) throw new DomainError('bad_request', `No variant ${variant}`);
  const rendered = await renderForMember(ctx, c, variant, member);
  return { ...rendered, assigned, inSegment: Number(row.hit) === 1 };
};

/**
 * Checks a campaign is ready: valid templates, and for every variant a template in each locale the
 * audience speaks (a zh-CN member with only an English template would get the fallback: refused
 * instead, so nobody gets a language the marketer did not write).
 */
export async function launchProblems(ctx: DomainCtx, c: Campaign): Promise<string[]> {
  const problems = templateProblems(c.variants, ctx.shop);
  const compiled = compileSegment(c.segment as SegmentDefinition, ctx.clock());
  const locales = await ctx.store.db.all<{ locale: 'zh-CN' | 'en' }>(
    sql`select distinct m.locale as locale from ${compiled.from} where ${compiled.where}`,
  );
  for (const v of c.variants) {
    for (const { locale } of locales) {
      if (!v.templates[locale]) problems.push(`variant ${v.key}: no ${locale} template, but the segment has ${locale} members`);
    }
  }
  if (!c.variants.every((v) => templateFor(c, v.key, 'en'))) problems.push('every variant needs a template');
  return problems;
}

/**
 * Launches a draft: `running` now, or `scheduled` when `scheduleAt` (given or stored) is in the future.
 * Planning and sending are the dispatcher's (see dispatch.ts). Launching again is a no-op returning the
 * campaign as it is: one plan, one message per member, however often a button is pressed.
 */
export const launchCampaign: Verb<{ id: string; scheduleAt?: string | null }, Campaign> = async ({ ctx, input }) => {
  const c = await loadCampaign(ctx, input.id);
  if (c.status === 'cancelled') throw new DomainError('conflict', 'A cancelled campaign cannot be launched');
  if (c.status !== 'draft') return c;
  const problems = await launchProblems(ctx, c);
  if (problems.length) throw new DomainError('bad_request', `Not ready to launch: ${problems.join('; ')}`, { problems });
  const now = ctx.clock();
  let scheduleAt = c.scheduleAt;
  if (input.scheduleAt !== undefined) {
    scheduleAt = input.scheduleAt ? new Date(input.scheduleAt) : null;
    if (scheduleAt && Number.isNaN(scheduleAt.getTime())) throw new DomainError('bad_request', 'scheduleAt must be an ISO date-time');
  }
  const status = scheduleAt && scheduleAt > now ? 'scheduled' : 'running';
  await ctx.store.write((tx) =>
    tx
      .update(campaigns)
      .set({ status, scheduleAt, launchedAt: now, updatedAt: now })
      .where(and(eq(campaigns.id, c.id), eq(campaigns.status, 'draft'))),
  );
  return loadCampaign(ctx, c.id);
};

const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', CampaignStatus[]> = {
  pause: ['running', 'scheduled'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
};

async function transition(ctx: DomainCtx, id: string, action: keyof typeof TRANSITIONS): Promise<Campaign> {
  const c = await loadCampaign(ctx, id);
  const target: CampaignStatus =
    action === 'pause'
      ? 'paused'
      : action === 'cancel'
        ? 'cancelled'
        : c.scheduleAt && c.scheduleAt > ctx.clock()
          ? 'scheduled'
          : 'running';
  if (c.status === target) return c;
  if (!TRANSITIONS[action].includes(c.status)) throw new DomainError('conflict', `A ${c.status} campaign cannot be ${action}d`);
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    const r = await tx
      .update(campaigns)
      .set({ status: target, updatedAt: now, ...(target === 'cancelled' && { completedAt: now }) })
      .where(and(eq(campaigns.id, id), inArray(campaigns.status, TRANSITIONS[action])));
    if (r.rowsAffected === 0) throw new DomainError('conflict', 'The campaign changed meanwhile; reload it');
    if (target === 'cancelled') {
      // What has not gone out never will; a row being sent right now finishes and is recorded as it ends.
      await tx
        .update(campaignDeliveries)
        .set({ status: 'skipped', skipReason: 'cancelled' })
        .where(and(eq(campaignDeliveries.campaignId, id), inArray(campaignDeliveries.status, ['planned', 'held'])));
    }
  });
  return loadCampaign(ctx, id);
}

/** Pauses sending (the dispatcher claims nothing of a paused campaign); resume picks up where it stopped. */
export const pauseCampaign: Verb<{ id: string }, Campaign> = ({ ctx, input }) => transition(ctx, input.id, 'pause');
export const resumeCampaign: Verb<{ id: string }, Campaign> = ({ ctx, input }) => transition(ctx, input.id, 'resume');
/** Cancels: what is not sent yet is skipped with reason `cancelled`. */
export const cancelCampaign: Verb<{ id: string }, Campaign> = ({ ctx, input }) => transition(ctx, input.id, 'cancel');
