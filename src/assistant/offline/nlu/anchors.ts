// Lexical anchors: an in-scope intent is only eligible when the text mentions something from its domain.
import type { Intent, Lang } from './intents.js';

/*
 * Why: the model has to pick among a closed label set, so "how many elements are on the periodic table"
 * drifts to points_balance on "how many". Requiring at least one domain word per intent turns such
 * open-domain questions into out_of_scope without needing a training example for every topic on earth.
 * Lists are deliberately broad (recall first); the model still decides between eligible intents.
 */
type AnchorTable = Record<Exclude<Intent, 'out_of_scope'>, RegExp>;

const EN: AnchorTable = {
  points_balance: /\b(points?|pts|rewards?|loyalty|bonus)\b/,
  points_history: /\b(points?|rewards?|expir\w*|history|statement|transactions?|activity|missing|deducted)\b/,
  earn_redeem_points: /\b(points?|rewards?|redeem\w*|redemption|earn\w*|catalog\w*|cash (in|out))\b/,
  tier_benefits: /\b(tiers?|levels?|status|member\w*|gold|silver|diamond|platinum|vip|perks?|benefits?|privileges?|premium)\b/,
  next_tier: /\b(tiers?|levels?|status|upgrad\w*|downgrad\w*|gold|silver|diamond|platinum|vip|promot\w*|requalif\w*|member\w*)\b/,
  coupons: /\b(coupons?|vouchers?|promo\w*|discounts?|codes?)\b/,
  order_status:
    /\b(orders?|ordered|packages?|parcels?|deliver\w*|ship\w*|track\w*|items?|purchases?|stuff|courier|arriv\w*|eta|dispatch\w*|products?|articles?|transit|logistics)\b/,
  recommend_products:
    /\b(recommend\w*|suggest\w*|buy|products?|items?|gifts?|popular|trending|sellers?|picks?|ideas?|new|choose|pick|surprise)\b/,
  feedback_complaint:
    /\b(complain\w*|complaint|feedback|reviews?|claims?|reclamation|suggestions?|opinion|comments?|rate|rating|praise|compliment\w*|unhappy|disappoint\w*|dissatisf\w*|satisf\w*|terrible|awful|horrible|worst|rude|bad|poor|broken|defective|damaged|unacceptable|useless|rubbish|garbage|ripoff|angry|furious|upset|love|great|excellent|amazing|improve|lodge|report|suck\w*|stink\w*|crap\w*|hate|annoy\w*|frustrat\w*|ridiculous|pathetic|service|experience|wrong|dirty|faulty|scam)\b/,
  human_agent:
    /\b(human|person|people|agent|representative|operator|someone|somebody|customer|support|manager|staff|call|phone|real|live|assistant|contact|bot|robot)\b/,
  greeting_chitchat:
    /\b(hi|hello|hey|yo|hiya|howdy|greetings|sup|morning|afternoon|evening|night|day|bye|goodbye|farewell|later|thanks?|thank|appreciate\w*|cheers|you|your|yours|yourself|ai|bot|robot|jokes?|fun|funny|laugh|smile|life|ok|cool|nice|great|awesome|lol|haha\w*|yes|no|sure|alright|sorry|test\w*|help|bored|sad|happy|glad|chat|bravo|trivia|fact|facts|interesting|meaning|exist|care|again|buddy|friend|pal|anyone|there|who am i|speaking|talking|chatting)\b/,
};

const ZH: AnchorTable = {
  points_balance: /积分|分|点数/,
  points_history: /积分|分|记录|明细|过期|到期|兑换过/,
  earn_redeem_points: /积分|兑换|换|赚|分|抵/,
  tier_benefits: /等级|级别|会员|金卡|银卡|钻石|白金|vip|权益|特权|福利|好处|待遇|几级|几星|身份/,
  next_tier: /升级|保级|降级|掉级|等级|级|金卡|银卡|钻石|白金|会员/,
  coupons: /券|优惠|折扣|码|红包/,
  order_status: /订单|快递|物流|包裹|货|发|到|送|签收|单号|配送|买的|东西|运单|追踪|跟踪/,
  recommend_products: /推荐|买|商品|产品|东西|好物|热销|新品|挑|礼|卖|喜欢/,
  feedback_complaint: /投诉|建议|意见|反馈|评价|差|好评|赞|表扬|不满|失望|生气|垃圾|骗|坏|烂|问题|太|满意|改进|改善/,
  human_agent: /人工|客服|真人|人|电话|经理|领导|机器/,
  greeting_chitchat:
    /你|您|谢|感谢|再见|拜|嗨|哈|早|晚|好|在|嗯|哦|收到|明白|了解|清楚|知道|辛苦|棒|聊|笑话|测试|抱歉|不好意思|问题|没事|不用|行|对|是|麻烦|客气|意义|无聊|厉害|88|3q|hello|hi|ok|thx/,
};

/** True when the text mentions something from the intent's domain (always true for out_of_scope). */
export function hasAnchor(intent: Intent, clean: string, lang: Lang): boolean {
  if (intent === 'out_of_scope') return true;
  return (lang === 'zh-CN' ? ZH : EN)[intent].test(clean);
}
