// Marketing API: segment preview and saved segments, campaigns (create, edit, preview, launch, pause, resume, cancel) and their results.
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { CAMPAIGN_STATUSES, type Campaign, type Segment } from '../../../db/schema/index.js';
import {
  campaignInputSchema,
  campaignPatchSchema,
  cancelCampaign,
  createCampaign,
  getCampaign,
  getCampaignProgress,
  launchCampaign,
  listCampaigns,
  pauseCampaign,
  previewCampaign,
  resumeCampaign,
  updateCampaign,
} from '../../domain/campaigns/index.js';
import { listSegments, previewSegment, saveSegment, segmentDefinitionSchema } from '../../domain/segments/index.js';
import type { AppEnv } from '../app-env.js';
import { jsonBody, parseWith } from '../middleware.js';
import type { RouteDoc } from '../openapi.js';
import { audit, currentStaff, requireStaff } from '../staff-auth.js';

const MARKETERS = ['marketer', 'admin'] as const;
const E = { 401: 'Not signed in', 403: 'Role not allowed (marketer or admin)' };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A campaign as the API shows it. */
export function campaignJson(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    segmentId: c.segmentId,
    segment: c.segment,
    variants: c.variants,
    holdoutPct: c.holdoutPct,
    scheduleAt: iso(c.scheduleAt),
    costPerMessageCents: c.costPerMessageCents,
    attributionDays: c.attributionDays,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    launchedAt: iso(c.launchedAt),
    plannedAt: iso(c.plannedAt),
    plannedCount: c.plannedCount,
    completedAt: iso(c.completedAt),
  };
}

function segmentJson(s: Segment) {
  return { id: s.id, name: s.name, definition: s.definition, createdBy: s.createdBy, createdAt: s.createdAt.toISOString() };
}

const variantSchema = z.object({
  key: z.string(),
  split: z.number(),
  templates: z.object({ 'zh-CN': z.string().optional(), en: z.string().optional() }),
});
const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  segmentId: z.string().nullable(),
  segment: z.unknown(),
  variants: z.array(variantSchema),
  holdoutPct: z.number(),
  scheduleAt: z.string().nullable(),
  costPerMessageCents: z.number(),
  attributionDays: z.number(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  launchedAt: z.string().nullable(),
  plannedAt: z.string().nullable(),
  plannedCount: z.number(),
  completedAt: z.string().nullable(),
});
const countsSchema = z.object({
  total: z.number(),
  byStatus: z.record(z.string(), z.number()).describe('planned, sending, sent, failed, skipped, held'),
  bySkipReason: z
    .record(z.string(), z.number())
    .describe('no_consent, cap, quiet_hours (held), no_channel, holdout, cancelled, a channel refusal...'),
  variants: z.array(
    z.object({
      variant: z.string(),
      total: z.number(),
      byStatus: z.record(z.string(), z.number()),
      bySkipReason: z.record(z.string(), z.number()),
    }),
  ),
});
const resultSchema = z.object({
  variant: z.string(),
  recipients: z.number(),
  converted: z.number(),
  conversionRate: z.number(),
  revenueCents: z.number(),
  pointsEarned: z.number(),
  upliftPts: z.number().nullable().describe('conversion rate minus the holdout rate, percentage points'),
  incrementalRevenueCents: z.number(),
  costCents: z.number(),
  roi: z.number().nullable().describe('(incremental revenue - cost) / cost'),
});
const campaignViewSchema = z.object({
  campaign: campaignSchema,
  counts: countsSchema,
  report: z.object({
    attributionDays: z.number(),
    variants: z.array(resultSchema),
    holdout: resultSchema.nullable(),
    totals: resultSchema.nullable(),
  }),
});
const campaignProgressSchema = campaignViewSchema.pick({ campaign: true, counts: true });
const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  definition: z.unknown(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});

const previewBody = z.object({ definition: segmentDefinitionSchema, sample: z.number().int().min(0).max(50).optional() });
const saveBody = z.object({ name: z.string().trim().min(1).max(120), definition: segmentDefinitionSchema });
const memberPreviewBody = z.object({ memberId: z.string().min(1).max(64), variant: z.string().max(16).optional() });
const launchBody = z.object({ scheduleAt: z.iso.datetime({ offset: true }).nullable().optional() });
const listQuery = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

export const marketingDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/marketing/segments/preview',
    summary: 'Count the members a segment definition matches now, with a few sample members',
    tag: 'marketing',
    security: 'staff',
    body: previewBody,
    response: z.object({
      count: z.number(),
      sample: z.array(z.object({ id: z.string(), name: z.string(), tierCode: z.string(), locale: z.string(), pointsBalance: z.number() })),
    }),
    errors: E,
  },
  {
    method: 'post',
    path: '/api/marketing/segments',
    summary: 'Save a named segment',
    tag: 'marketing',
    security: 'staff',
    body: saveBody,
    response: z.object({ segment: segmentSchema }),
    errors: E,
  },
  {
    method: 'get',
    path: '/api/marketing/segments',
    summary: 'Saved segments, newest first',
    tag: 'marketing',
    security: 'staff',
    response: z.object({ segments: z.array(segmentSchema) }),
    errors: E,
  },
  {
    method: 'post',
    path: '/api/marketing/campaigns',
    summary: 'Create a draft campaign: segment (inline or saved), variants with split % and templates per locale, holdout %',
    tag: 'marketing',
    security: 'staff',
    body: campaignInputSchema,
    response: z.object({ campaign: campaignSchema }),
    errors: { ...E, 404: 'No such saved segment' },
  },
  {
    method: 'get',
    path: '/api/marketing/campaigns',
    summary: 'Campaigns, newest first',
    tag: 'marketing',
    security: 'staff',
    query: listQuery,
    response: z.object({ campaigns: z.array(campaignSchema) }),
    errors: E,
  },
  {
    method: 'get',
    path: '/api/marketing/campaigns/{id}',
    summary: 'A campaign with delivery counts by status and skip reason per variant, and its attribution report',
    tag: 'marketing',
    security: 'staff',
    response: campaignViewSchema,
    errors: { ...E, 404: 'No such campaign' },
  },
  {
    method: 'get',
    path: '/api/marketing/campaigns/{id}/progress',
    summary: 'A campaign with its delivery counts only (no attribution report): for polling while it sends',
    tag: 'marketing',
    security: 'staff',
    response: campaignProgressSchema,
    errors: { ...E, 404: 'No such campaign' },
  },
  {
    method: 'patch',
    path: '/api/marketing/campaigns/{id}',
    summary: 'Edit a draft',
    tag: 'marketing',
    security: 'staff',
    body: campaignPatchSchema,
    response: z.object({ campaign: campaignSchema }),
    errors: { ...E, 404: 'No such campaign', 409: 'Not a draft any more' },
  },
  {
    method: 'post',
    path: '/api/marketing/campaigns/{id}/preview',
    summary: 'The message a member would get now (their assigned variant unless one is given), and variables with no value for them',
    tag: 'marketing',
    security: 'staff',
    body: memberPreviewBody,
    response: z.object({
      text: z.string(),
      locale: z.string(),
      variant: z.string(),
      assigned: z.string().describe('the variant (or holdout) this member is assigned'),
      inSegment: z.boolean(),
      missing: z.array(z.string()),
    }),
    errors: { ...E, 404: 'No such campaign or member' },
  },
  {
    method: 'post',
    path: '/api/marketing/campaigns/{id}/launch',
    summary: 'Launch now or at scheduleAt; launching again changes nothing (one message per member)',
    tag: 'marketing',
    security: 'staff',
    body: launchBody,
    response: z.object({ campaign: campaignSchema }),
    errors: { ...E, 400: 'Not ready: template problems or a locale without a template', 404: 'No such campaign', 409: 'Cancelled' },
  },
  ...(['pause', 'resume', 'cancel'] as const).map(
    (a): RouteDoc => ({
      method: 'post',
      path: `/api/marketing/campaigns/{id}/${a}`,
      summary: { pause: 'Pause sending', resume: 'Resume a paused campaign', cancel: 'Cancel: nothing more is sent' }[a],
      tag: 'marketing',
      security: 'staff',
      response: z.object({ campaign: campaignSchema }),
      errors: { ...E, 404: 'No such campaign', 409: 'Not allowed in the current status' },
    }),
  ),
];

export function marketingRoutes() {
  const app = new Hono<AppEnv>();
  const marketer = requireStaff(MARKETERS, { page: false });
  app.use('/api/marketing/*', marketer);

  app.post('/api/marketing/segments/preview', async (c) => {
    const body = await jsonBody(c, previewBody);
    return c.json(await previewSegment({ ctx: c.get('deps').domain, input: body }));
  });

  app.post('/api/marketing/segments', async (c) => {
    const body = await jsonBody(c, saveBody);
    const s = await saveSegment({ ctx: c.get('deps').domain, input: { ...body, createdBy: currentStaff(c).id } });
    await audit(c, 'segment.create', `segment:${s.id}`);
    return c.json({ segment: segmentJson(s) });
  });

  app.get('/api/marketing/segments', async (c) => {
    const rows = await listSegments({ ctx: c.get('deps').domain, input: {} });
    return c.json({ segments: rows.map(segmentJson) });
  });

  app.post('/api/marketing/campaigns', async (c) => {
    const body = await jsonBody(c, campaignInputSchema);
    const created = await createCampaign({ ctx: c.get('deps').domain, input: { ...body, createdBy: currentStaff(c).id } });
    await audit(c, 'campaign.create', `campaign:${created.id}`);
    return c.json({ campaign: campaignJson(created) });
  });

  app.get('/api/marketing/campaigns', async (c) => {
    const q = parseWith(listQuery, c.req.query());
    const rows = await listCampaigns({ ctx: c.get('deps').domain, input: q });
    return c.json({ campaigns: rows.map(campaignJson) });
  });

  app.get('/api/marketing/campaigns/:id', async (c) => {
    const view = await getCampaign({ ctx: c.get('deps').domain, input: { id: c.req.param('id') } });
    return c.json({ ...view, campaign: campaignJson(view.campaign) });
  });

  app.get('/api/marketing/campaigns/:id/progress', async (c) => {
    const view = await getCampaignProgress({ ctx: c.get('deps').domain, input: { id: c.req.param('id') } });
    return c.json({ ...view, campaign: campaignJson(view.campaign) });
  });

  app.patch('/api/marketing/campaigns/:id', async (c) => {
    const patch = await jsonBody(c, campaignPatchSchema);
    const updated = await updateCampaign({ ctx: c.get('deps').domain, input: { id: c.req.param('id'), patch } });
    await audit(c, 'campaign.update', `campaign:${updated.id}`);
    return c.json({ campaign: campaignJson(updated) });
  });

  app.post('/api/marketing/campaigns/:id/preview', async (c) => {
    const body = await jsonBody(c, memberPreviewBody);
    const r = await previewCampaign({ ctx: c.get('deps').domain, input: { id: c.req.param('id'), ...body } });
    await audit(c, 'campaign.preview', `campaign:${c.req.param('id')}`, { memberId: body.memberId });
    return c.json(r);
  });

  app.post('/api/marketing/campaigns/:id/launch', async (c) => {
    const text = await c.req.text();
    const body = text.trim() ? parseWith(launchBody, safeJson(text)) : {};
    const deps = c.get('deps');
    const launched = await launchCampaign({ ctx: deps.domain, input: { id: c.req.param('id'), scheduleAt: body.scheduleAt } });
    await audit(c, 'campaign.launch', `campaign:${launched.id}`, { status: launched.status });
    if (launched.status === 'running') deps.broadcast.kick();
    return c.json({ campaign: campaignJson(launched) });
  });

  const verbs = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;
  for (const [action, verb] of Object.entries(verbs)) {
    app.post(`/api/marketing/campaigns/:id/${action}`, async (c) => {
      const deps = c.get('deps');
      const r = await verb({ ctx: deps.domain, input: { id: c.req.param('id') } });
      await audit(c, `campaign.${action}`, `campaign:${r.id}`);
      if (action === 'resume' && r.status === 'running') deps.broadcast.kick();
      return c.json({ campaign: campaignJson(r) });
    });
  }
  return app;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Symbol('invalid');
  }
}
