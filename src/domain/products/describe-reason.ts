// The reason of a recommendation as a short sentence in the member's language, from the reply templates.
import { render, type Lang } from '../../assistant/templates.js';
import type { RecommendationReason } from './recommend.js';

/**
 * Renders a reason ("because you often buy X", "bought together with Y", "popular in Z") in zh-CN or
 * en. Product names use the Chinese name in zh-CN when the catalog has one. Used by the assistant's
 * replies, the admin API, broadcasts (`{{recommendation}}`) and the agent's loyalty card.
 */
export function describeReason(lang: Lang, reason: RecommendationReason): string {
  const name = (lang === 'zh-CN' && reason.productNameZh) || reason.productName || reason.productId || '';
  const category = (lang === 'zh-CN' && reason.categoryZh) || reason.category;
  switch (reason.kind) {
    case 'repeat':
      return render(lang, (reason.timesBought ?? 0) >= 2 ? 'reason_repeat' : 'reason_repeat_once', { product: name });
    case 'co_purchase':
      return render(lang, 'reason_co_purchase', { product: name });
    case 'category':
      return category ? render(lang, 'reason_category', { category }) : render(lang, 'reason_popular_any');
    default:
      return category ? render(lang, 'reason_popular', { category }) : render(lang, 'reason_popular_any');
  }
}
