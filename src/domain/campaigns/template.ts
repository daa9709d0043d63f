// Campaign message templates: the variables a marketer may use, plain {{var}} substitution, and the checks before launch.
import type { ShopConfig } from '../context.js';
import type { CampaignVariant } from '../../../db/schema/index.js';

/** Every variable a campaign template may name. */
export const TEMPLATE_VARIABLES = [
  'name',
  'tier',
  'points',
  'expiring_points',
  'expiry_date',
  'next_tier_gap',
  'recommendation',
  /** The shop page of the top recommendation (PRODUCT_URL_TEMPLATE); missing when none is configured. */
  'recommendation_url',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const VAR = /\{\{\s*([a-zA-Z_][\w]*)\s*\}\}/g;

/** The variable names a template uses, in order of first use. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]))];
}

/** Names a template uses that are not campaign variables (typos like {{point}}). */
export function unknownVariables(text: string): string[] {
  return templateVariables(text).filter((v) => !(TEMPLATE_VARIABLES as readonly string[]).includes(v));
}

/**
 * Substitutes values; never evaluates anything. Variables without a value are returned in `missing`
 * and left empty in the text, so a caller can refuse to send rather than show a blank.
 */
export function fillTemplate(text: string, values: Partial<Record<TemplateVariable, string>>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(VAR, (_, name: string) => {
    const v = values[name as TemplateVariable];
    if (v === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return v;
  });
  return { text: out, missing };
}

/**
 * Problems with a campaign's templates that no member data can fix: unknown variables, empty variants, and a
 * product link when the shop has no product pages configured (every member would be skipped for it).
 */
export function templateProblems(variants: CampaignVariant[], shop?: ShopConfig): string[] {
  const problems: string[] = [];
  for (const v of variants) {
    const entries = Object.entries(v.templates).filter(([, t]) => t !== undefined) as [string, string][];
    if (!entries.length) problems.push(`variant ${v.key}: no template`);
    for (const [locale, t] of entries) {
      if (!t.trim()) problems.push(`variant ${v.key} (${locale}): empty template`);
      for (const u of unknownVariables(t)) problems.push(`variant ${v.key} (${locale}): unknown variable {{${u}}}`);
      if (!shop?.productUrlTemplate && templateVariables(t).includes('recommendation_url')) {
        problems.push(`variant ${v.key} (${locale}): {{recommendation_url}} needs PRODUCT_URL_TEMPLATE (the shop's product pages)`);
      }
    }
  }
  return problems;
}
