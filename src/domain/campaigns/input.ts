// The campaign a marketer writes: validated input for create and update.
import * as z from 'zod/v4';
import { segmentDefinitionSchema } from '../segments/index.js';

const template = z.string().min(1).max(2000);

export const variantInputSchema = z.object({
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, - or _, at most 16')
    .refine((k) => k !== 'holdout', 'holdout is reserved'),
  /** Percent of the whole audience. */
  split: z.number().int().min(1).max(100),
  templates: z.object({ 'zh-CN': template.optional(), en: template.optional() }),
});

const fields = {
  name: z.string().trim().min(1).max(120),
  /** A saved segment (its definition is copied) or a definition given inline. */
  segmentId: z.string().max(64).optional(),
  segment: segmentDefinitionSchema.optional(),
  variants: z.array(variantInputSchema).min(1).max(10),
  holdoutPct: z.number().int().min(0).max(50).default(0),
  scheduleAt: z.iso.datetime({ offset: true }).nullable().optional(),
  costPerMessageCents: z.number().int().min(0).max(1_000_000).default(0),
  attributionDays: z.number().int().min(1).max(90).default(7),
};

/** Splits plus holdout make 100 percent; variant keys are unique. */
export function splitProblems(variants: { split: number; key: string }[], holdoutPct: number): string[] {
  const out: string[] = [];
  const total = variants.reduce((s, x) => s + x.split, 0) + holdoutPct;
  if (total !== 100) out.push(`variant splits plus holdout must add up to 100 (got ${total})`);
  const keys = variants.map((x) => x.key);
  if (new Set(keys).size !== keys.length) out.push('variant keys must be unique');
  return out;
}

function splitsAddUp(v: { variants: { split: number; key: string }[]; holdoutPct: number }, ctx: z.RefinementCtx) {
  for (const message of splitProblems(v.variants, v.holdoutPct)) ctx.addIssue({ code: 'custom', path: ['variants'], message });
}

export const campaignInputSchema = z
  .object(fields)
  .superRefine(splitsAddUp)
  .refine((v) => v.segment || v.segmentId, { message: 'give segment or segmentId', path: ['segment'] });

/** A partial update of a draft (or scheduled) campaign; splits are checked against the stored ones. */
export const campaignPatchSchema = z.object({
  name: fields.name.optional(),
  segmentId: fields.segmentId,
  segment: fields.segment,
  variants: fields.variants.optional(),
  holdoutPct: z.number().int().min(0).max(50).optional(),
  scheduleAt: fields.scheduleAt,
  costPerMessageCents: z.number().int().min(0).max(1_000_000).optional(),
  attributionDays: z.number().int().min(1).max(90).optional(),
});

export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignPatch = z.input<typeof campaignPatchSchema>;
