// Rendering a campaign message for one member at send time: the member store's values now, plain substitution, opt-out hint.
import { eq } from 'drizzle-orm';
import { type Campaign, type Member, tiers } from '../../../db/schema/index.js';
import { render as renderReply, type Lang } from '../../assistant/templates.js';
import { DomainError } from '../../lib/errors.js';
import { formatMoney } from '../../lib/money.js';
import { formatDate } from '../../lib/time.js';
import type { DomainCtx } from '../context.js';
import { getPointsSummary, getTierStatus } from '../loyalty/index.js';
import { productUrl, rankForMember, recommendationLine } from '../products/index.js';
import { fillTemplate, type TemplateVariable, templateVariables } from './template.js';

export interface RenderedMessage {
  /** The text with the opt-out hint, as the member would receive it. */
  text: string;
  locale: Lang;
  variant: string;
  /** Variables with no value for this member (no expiring points, top tier, nothing to recommend). */
  missing: string[];
}

/** The template for the member's locale, falling back to the variant's other locale. */
export function templateFor(campaign: Campaign, variantKey: string, locale: Lang): { text: string; locale: Lang } | null {
  const v = campaign.variants.find((x) => x.key === variantKey);
  if (!v) return null;
  const own = v.templates[locale];
  if (own) return { text: own, locale };
  const other: Lang = locale === 'en' ? 'zh-CN' : 'en';
  const t = v.templates[other];
  return t ? { text: t, locale: other } : null;
}

/** Computes only the variables the template uses (a recommendation costs a query or two). */
async function values(ctx: DomainCtx, member: Member, lang: Lang, used: string[]): Promise<Partial<Record<TemplateVariable, string>>> {
  const out: Partial<Record<TemplateVariable, string>> = {};
  const need = new Set(used);
  if (need.has('name')) out.name = member.name;
  if (need.has('points')) out.points = member.pointsBalance.toLocaleString('en-US');
  if (need.has('tier')) {
    const [t] = await ctx.store.db.select().from(tiers).where(eq(tiers.code, member.tierCode)).limit(1);
    out.tier = t ? (lang === 'zh-CN' ? t.nameZh : t.nameEn) : member.tierCode;
  }
  if (need.has('expiring_points') || need.has('expiry_date')) {
    const s = await getPointsSummary({ ctx, input: { memberId: member.id } });
    if (s.expiringSoon.points > 0) {
      out.expiring_points = s.expiringSoon.points.toLocaleString('en-US');
      if (s.nextExpiry) out.expiry_date = formatDate(s.nextExpiry.at, member.timeZone);
    }
  }
  if (need.has('next_tier_gap')) {
    const t = await getTierStatus({ ctx, input: { memberId: member.id } });
    if (t.nextTier) out.next_tier_gap = formatMoney(t.nextTier.spendNeededCents);
  }
  if (need.has('recommendation') || need.has('recommendation_url')) {
    // One read for both: the link is the page of the product the line names.
    const [top] = await rankForMember({ ctx, input: { memberId: member.id, k: 1 } });
    if (top) {
      if (need.has('recommendation')) out.recommendation = recommendationLine(lang, [top]);
      const url = productUrl(ctx, top.productId);
      if (url && need.has('recommendation_url')) out.recommendation_url = url;
    }
  }
  return out;
}

/** Renders a variant's message for a member; the opt-out hint in the message's language always ends it. */
export async function renderForMember(ctx: DomainCtx, campaign: Campaign, variantKey: string, member: Member): Promise<RenderedMessage> {
  const t = templateFor(campaign, variantKey, member.locale);
  if (!t) throw new DomainError('bad_request', `Variant ${variantKey} has no template`);
  const filled = fillTemplate(t.text, await values(ctx, member, t.locale, templateVariables(t.text)));
  const text = `${filled.text.trim()}\n\n${renderReply(t.locale, 'broadcast_opt_out')}`;
  return { text, locale: t.locale, variant: variantKey, missing: filled.missing };
}
