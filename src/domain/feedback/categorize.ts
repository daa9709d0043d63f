// Feedback categories and sentiment from the member's words (bilingual keyword rules; deterministic and explainable).
import type { FeedbackCategory, Sentiment } from '../../../db/schema/index.js';

const CATEGORY_RULES: [FeedbackCategory, RegExp][] = [
  [
    'delivery',
    /快递|物流|配送|发货|送货|到货|包裹|运单|没收到|未收到|送达|运费|delivery|deliver|shipping|shipped|ship\b|courier|parcel|package|arriv|tracking|in transit|postage/gi,
  ],
  [
    'product',
    /质量|坏了|破损|损坏|假货|正品|尺码|商品|产品|味道|漏了|过期|退货|quality|broken|damaged|defect|fake|counterfeit|size|product|item|taste|expired|leak|faulty|return(?:ed)? (?:it|the)/gi,
  ],
  ['points', /积分|等级|会员|优惠券|兑换|券|权益|points?\b|tier|coupon|redeem|membership|voucher|rewards?|loyalty/gi],
  [
    'app',
    /\bapp\b|应用|网站|网页|页面|小程序|登录|登陆|卡顿|闪退|打不开|加载|支付失败|bug|website|web site|log ?in|sign ?in|crash|page|checkout|loading|slow site|error message/gi,
  ],
  [
    'service',
    /客服|服务|态度|回复|等了|等待|人工|退款|售后|service|staff|rude|support|agent|waited|waiting|respon|refund|customer care|unhelpful/gi,
  ],
];

/** The category with the most keyword hits (earlier categories win ties); `other` when nothing matches. */
export function categorizeFeedback(text: string): FeedbackCategory {
  let best: FeedbackCategory = 'other';
  let bestHits = 0;
  for (const [category, re] of CATEGORY_RULES) {
    const hits = text.match(re)?.length ?? 0;
    if (hits > bestHits) {
      best = category;
      bestHits = hits;
    }
  }
  return best;
}

/** Negated praise first ("不满意", "not good"), so it is not read as praise. */
const NEGATED_POSITIVE =
  /不(?:太|怎么|是很)?(?:好|满意|喜欢|行|错了?)|没(?:有)?(?:用|帮助|解决)|\b(?:not|never|isn'?t|wasn'?t) (?:very )?(?:good|happy|satisfied|helpful|great|nice)\b|\bno help\b/gi;
const NEGATIVE =
  /投诉|太差|很差|差劲|差评|失望|生气|愤怒|垃圾|骗|退钱|不满|糟糕|烂|太慢|坑|气死|无语|恶心|质量一般|笨|傻|蠢|闪退|卡顿|崩溃|打不开|报错|\b(?:complain\w*|terrible|awful|worst|angry|furious|disappoint\w*|unacceptable|bad|rude|scam\w*|horrible|poor|useless|hate|annoy\w*|broken|late|waste\w*|ridiculous|never arrived)\b/gi;
const POSITIVE =
  /满意|很好|非常好|挺好|不错|棒|赞|喜欢|感谢|谢谢|好评|开心|高兴|给力|专业|耐心|\b(?:great|love\w*|excellent|thanks?|thank you|good|happy|helpful|awesome|amazing|perfect|fast|quick\w*|satisfied|nice|friendly|appreciate\w*)\b/gi;

/** positive / neutral / negative by counting cue words; negated praise counts as negative. */
export function sentimentOf(text: string): Sentiment {
  const negated = text.match(NEGATED_POSITIVE)?.length ?? 0;
  const rest = text.replace(NEGATED_POSITIVE, ' ');
  const neg = negated + (rest.match(NEGATIVE)?.length ?? 0);
  const pos = rest.match(POSITIVE)?.length ?? 0;
  if (neg > pos) return 'negative';
  if (pos > neg) return 'positive';
  return 'neutral';
}

/** What a score says on its own: CSAT 4-5 / NPS 9-10 positive, CSAT 1-2 / NPS 0-6 negative. */
export function sentimentOfScore(kind: 'csat' | 'nps', score: number): Sentiment {
  if (kind === 'csat') return score >= 4 ? 'positive' : score <= 2 ? 'negative' : 'neutral';
  return score >= 9 ? 'positive' : score <= 6 ? 'negative' : 'neutral';
}
