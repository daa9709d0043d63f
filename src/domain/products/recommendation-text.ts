// A member's top recommendations as one line of text, for broadcasts ({{recommendation}}) and the agent's loyalty card.
import { render, type Lang } from '../../assistant/templates.js';
import { formatMoney } from '../../lib/money.js';
import type { Verb } from '../context.js';
import { describeReason } from './describe-reason.js';
import { type RankedRecommendation, rankForMember } from './recommend.js';

/**
 * "Milk ¥5 (you often buy Milk); Cola ¥3 (popular in Drinks)" in en, "牛奶 ¥5（您常买牛奶）；…" in
 * zh-CN: the member's best `k` (default 1) in stock, tier-allowed products with store prices. Null
 * when there is nothing to recommend, so a broadcast can fall back to its own text.
 */
export const recommendationText: Verb<{ memberId: string; lang: Lang; k?: number }, string | null> = async ({ ctx, input }) => {
  const items = await rankForMember({ ctx, input: { memberId: input.memberId, k: input.k ?? 1 } });
  return items.length ? recommendationLine(input.lang, items) : null;
};

/** The line `recommendationText` writes, for recommendations already read. */
export function recommendationLine(lang: Lang, items: RankedRecommendation[]): string {
  return items
    .map((i) =>
      render(lang, 'recommendation_item', {
        name: (lang === 'zh-CN' && i.nameZh) || i.name,
        price: formatMoney(i.priceCents),
        reason: describeReason(lang, i.reason),
      }),
    )
    .join(render(lang, 'recommendation_separator'));
}
