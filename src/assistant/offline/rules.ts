// The offline brain's text rules: questions the intent model has no label for ("积分不对", "我的会员号"), and
// words that re-route its answer ("200元的订单能用哪张券" is about coupons, not orders). Pure functions of the
// text, so `npm run eval:intents` can show what they do to every dev row.
import { sentimentOf } from '../../domain/feedback/categorize.js';
import type { Intent } from './nlu/index.js';

/**
 * Redeem requests that name an option: "兑换 1", "redeem 2", "兑换500积分的券", "换第2个". A bare "换" with a count
 * ("换2个", "换3批") asks for other recommendations, not for coupon 2.
 */
const REDEEM_PICK =
  /(?:兑换|redeem|exchange)\s*(?:第|no\.?|number|option|#)?\s*(\d{1,6})|换\s*第\s*(\d{1,6})|换\s*(\d{1,6})(?!\d|\s*(?:个|批|些|种|样))/i;
/** The option number or points cost a redeem request names, if it names one. */
export function redeemPick(text: string): number | undefined {
  const m = REDEEM_PICK.exec(text);
  return m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
}
/** Asking for one coupon by what it is ("我想要那个满299减40的券", "I'd like the ¥12 off ¥99 coupon"). */
export const WANT_COUPON =
  /(?:要|想要|换|兑换|兑|来一张|来张|领).{0,16}券|\bredeem\b|\b(?:get|want|like|take)\b.{0,30}\b(?:coupon|voucher)\b/i;

/**
 * The one coupon of `options` the text names by its amounts: every amount of the coupon (its value, and its
 * minimum spend when it has one) is a number in the text, and no other option fits as well. A single number that is
 * the value of exactly one option, and no option's minimum, names it too ("the 40 off one"). Undefined otherwise.
 */
export function couponNamed<T extends { value: number; minSpend: number }>(text: string, options: T[]): T | undefined {
  const numbers = new Set((text.replaceAll(',', '').match(/\d+(?:\.\d+)?/g) ?? []).map(Number));
  if (!numbers.size) return undefined;
  const fits = options.filter((o) => numbers.has(o.value) && (o.minSpend === 0 ? numbers.size === 1 : numbers.has(o.minSpend)));
  if (fits.length === 1) return fits[0];
  if (fits.length > 1 || numbers.size !== 1) return undefined;
  const [n] = numbers;
  const byValue = options.filter((o) => o.value === n);
  return byValue.length === 1 && !options.some((o) => o.minSpend === n) ? byValue[0] : undefined;
}
/**
 * A bare pick right after the options were listed: "2", "第2个", "选三", "option 2", "#2". Only while the list
 * the member is looking at is fresh (the offline brain remembers it for 10 minutes); any other time a lone number means nothing.
 */
export const BARE_PICK =
  /^\s*(?:我要|我选|选|要|第|option|number|no\.?|#)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:个|号|张|种)?\s*[.!。！]*\s*$/i;
export const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
/** Right after recommendations: "换一批", "show me more". */
export const MORE_RECS =
  /^\s*(?:换一批|换一换|换几个|换\s*\d{1,2}\s*(?:个|批)|换点别的|还有(?:别的|其他的?|其它的?)?(?:吗|呢|没有)?|再(?:推荐|来|看看)(?:几个|一些|点)?|more|show me more|more please|any others?|anything else|something else|others?)[\s!.。！?？~]*$/i;
/**
 * Right after recommendations, one of them by its place in the list: "第一个", "我要第二个", "第三个多少钱",
 * "I'll take the first one", "how do I buy the second one". 1-3, or undefined.
 */
const PRODUCT_ORDINAL_ZH =
  /^\s*(?:我要|要|买|我想买|想买|就要|来个|选|那)?\s*第\s*([一二三123])\s*(?:个|款|件|种)?(?:吧|的)?\s*(?:怎么买|在哪买|在哪里买|多少钱|怎么样|有货吗|还有货吗|详情|介绍一下)?[\s?？!！。.~]*$/;
const PRODUCT_ORDINAL_EN =
  /^\s*(?:i(?:'ll| will)? (?:take|want|buy|get)|i'd like|give me|how (?:do|can) i (?:buy|get|order)|tell me (?:more )?about|more about|what about|how much is|is|where can i buy)?\s*(?:the\s+)?(first|second|third|1st|2nd|3rd)(?: one| item| product)?(?: please)?(?: in stock)?[\s?.!]*$/i;
const ORDINALS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  '1': 1,
  '2': 2,
  '3': 3,
  first: 1,
  second: 2,
  third: 3,
  '1st': 1,
  '2nd': 2,
  '3rd': 3,
};
export function productOrdinal(text: string): number | undefined {
  const m = PRODUCT_ORDINAL_ZH.exec(text) ?? PRODUCT_ORDINAL_EN.exec(text);
  return m ? ORDINALS[m[1].toLowerCase()] : undefined;
}
/** Right after recommendations: "便宜一点的", "cheaper ones". */
export const CHEAPER_RECS =
  /^\s*(?:(?:有没有|有)?(?:更)?便宜(?:一?点|些)?的?(?:吗|呢)?|cheaper(?: ones?| options?| please)?|something cheaper|anything cheaper)[\s!.。！?？~]*$/i;
/** "No thanks", "不了", "ok": a member closing a topic with nothing pending gets a short acknowledgement. */
const ACK =
  /^\s*(?:不了|不用了|不用|不需要|暂时不用|没有了|没了|没有|没事了|没事|算了|好的|好|嗯+|行|知道了|明白了|了解|no|no thanks?|nope|nothing|nothing else|that'?s all|that'?s it|never ?mind|forget it|ok|okay|got it|alright|all right|fine|cool|great)(?:[\s,，]*(?:谢谢|thanks?|thank you))?[\s!.。！~]*$/i;
/** A reaction instead of words ("👍", "🙏😊"): an acknowledgement. A thumbs-down or an angry face is not one. */
const ACK_EMOJI = /^(?:(?!👎|😡|😠|🤬|💢|😤|😞|😢|😭)(?:\s|\p{Extended_Pictographic}|\u200d|\ufe0f|\p{Emoji_Modifier}))+$/u;
/** Puzzlement without a question ("???", "huh?", "啥？"): what the assistant can do, not a failed answer. */
const CONFUSED = /^\s*(?:[?？!！.。…]+|huh|what|eh|hmm+|啊|啥|什么|嗯|哈)\s*[?？!！.。…]*\s*$/i;
/** Asking for help or the menu with nothing else ("help", "menu", "start over", "帮助", "你能帮我吗"): what the assistant does. */
const HELP =
  /^\s*(?:(?:please )?help(?: me)?(?: please)?|i need (?:some )?help|can you help(?: me)?|could you help(?: me)?|menu|main menu|options|start|start over|restart|what'?s up|whats up|帮助|帮帮我|菜单|主菜单|你能帮我吗|能帮我吗|可以帮我吗|帮我一下|求助)\s*[?？!！.。…]*\s*$/i;
/** Questions about when points run out, answered with the expiry days first. */
export const EXPIRY = /过期|到期|失效|有效期|清零|延期|延长|expir|run out|\bvalid|\bextend/i;
/** Intents the NLU falls back to that a price band or a category name in the text outranks: "100元以内的零食". */
export const WEAK_INTENTS = new Set<Intent>(['out_of_scope', 'greeting_chitchat']);
export const SHORT_MESSAGE_TOKENS = 3;
/** "我的积分没到账", "didn't get points for my order": points of orders, answered per order. */
export const ORDER_POINTS =
  /积分(?:什么时候|多久|几天|何时)(?:才|会)?(?:到账|到|发放|给|加上)|(?:when|how soon) (?:will|do|does|would) (?:i|my) (?:get|receive|see|earn) (?:my |the )?points|how long (?:until|before|for) (?:my |the )?points|(?:没|未|没有)(?:收到|到账|拿到|获得|给|加|发).{0,4}积分|积分.{0,6}(?:没|未|没有)(?:到账|收到|给|加|发)|(?:didn'?t|did not|never|haven'?t|have not|not)\s+(?:get|got|receive|received|see|seen|earn|earned)\s+(?:my |any |the )?points|missing points|points?\s+(?:are |is )?missing|no points for|points for (?:my |this |that |the )?(?:last |latest |recent )?order/i;
/** "上个月我花了多少钱", "how much have I spent": the spend summary (tier window, this and last month). */
const SPEND =
  /花了多少|花了几|消费了多少|消费多少|消费额|消费金额|消费记录|花费|how much (?:did|have|had) i (?:spend|spent)|how much i(?:'ve| have)? spent|(?:my |total )spend\b(?! limit)|(?:下|买|有)了?(?:多少|几)(?:个|笔|张)?(?:订单|单)|订单(?:数|数量)|how many (?:orders|purchases) (?:have|did|had) i|how many (?:orders|purchases) i(?:'ve| have)?/i;
/** What a spend question may have been classified as; a spend question is none of the others (orders, feedback). */
const SPEND_OVERRIDES = new Set<Intent>([
  'out_of_scope',
  'greeting_chitchat',
  'next_tier',
  'tier_benefits',
  'points_balance',
  'points_history',
]);
/**
 * Changes to an order (cancel, return, refund, address, invoice) are the shop's support team's to make: the
 * member is told so and offered a person at once, rather than getting the out-of-scope reply.
 */
const ORDER_CHANGE =
  /取消(?:这个|我的|一个|该)?订单|退货|退款|换货|退换|(?:改|修改|更改|换)(?:一下)?(?:收货|配送)?地址|(?:改|修改|更改)(?:一下)?(?:收货人|收件人)(?:的)?(?:电话|手机|手机号|姓名|名字|信息)|开(?:个|张)?发票|发票(?:怎么|如何|在哪)(?:开|申请|领)|cancel (?:my |the |an |this |that )?order|return (?:an? |my |the |this )?(?:item|order|product|purchase)|\brefund|change (?:my |the )?(?:delivery |shipping )?address|\binvoice|return policy|退换?货政策|重复(?:扣款|扣费|付款|支付)|(?:扣|付|支付)了两次(?:款|钱)?|多扣了?(?:钱|款|费)|\b(?:charged|billed) (?:me )?(?:twice|two times|double)|\bdouble[- ]?(?:charged|billed)|\bovercharged/i;
/** Something that does not fit, to be exchanged ("尺码不合适", "衣服太小了", "the shoes don't fit"). */
const WRONG_FIT =
  /尺码不(?:合适|对|合身)|不合身|(?:衣服|裤子|鞋子?|裙子|外套|码数?|尺码|号)(?:有点|太|偏)(?:小|大|紧|肥)|(?:穿着|穿起来|穿上)(?:有点|太|偏)?(?:小|大|紧|肥)|换(?:个|一个|一下)?(?:尺码|码数|颜色|大(?:一)?号|小(?:一)?号)|\bexchange (?:it|this|them|my \w+)?\s*(?:for|to) (?:a |the )?(?:different|bigger|smaller|larger|other) (?:size|colou?r)\b|\b(?:doesn'?t|does not|don'?t|do not) fit\b/i;
/** An amount of money in the text: "¥500", "¥1,000", "500元", "500 yuan", "500块". */
const AMOUNT =
  /[¥￥]\s*((?:\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.\d{1,2})?)|((?:\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.\d{1,2})?)\s*(?:元|块钱?|块|rmb|yuan|cny)/i;
/** "买500块钱能得多少积分", "how many points will I get for a 500 yuan order". */
const EARN_QUESTION =
  /(?:得|获得|赚|给|返|送)\S{0,4}(?:多少|几)\s*(?:个)?积分|多少积分|几个积分|how many points|points (?:will|would|do|does|can) (?:i|it|that|this)/i;
const COUPON_WORDS = /券|coupon|voucher/i;
/** An amount off (a coupon's value): "¥12 off", "减12"; a coupon named outright is COUPON_WORDS. */
const COUPON_VALUE = /\d\s*(?:yuan|元|块|rmb)?\s*off\b|减\s*\d/i;
/** "what did I just redeem", "我刚兑换了什么": the coupons held (a redeemed coupon is one), not the redeem list. */
const REDEEMED =
  /what (?:did|have) i (?:just |already )?redeem|(?:my|the) redeemed (?:coupons?|vouchers?)|coupons? i (?:just )?redeemed|我(?:刚才?|刚刚|之前|已经)?兑换(?:了)?(?:什么|啥|哪些|的(?:券|优惠券|东西))|兑换(?:到|成功)的(?:券|优惠券)(?:在哪|呢)/i;
/** "积分不对", "my points balance seems wrong": the history that explains a balance, and a person to check it. */
const POINTS_WRONG =
  /积分(?:好像|似乎)?(?:不对|有误|错了|少了|不见了|对不上|不准)|(?:points?|balance)(?: balance)? (?:is |are |seems |looks )?(?:wrong|incorrect|off|missing)|wrong (?:points|balance)/i;
export const amountIn = (text: string): number | undefined => {
  const m = AMOUNT.exec(text);
  return m ? Number((m[1] ?? m[2]).replaceAll(',', '')) : undefined;
};
/** "我的生日礼券呢", "生日有什么福利", "my birthday gift?": the member's birthday benefits (not "生日礼物推荐"). */
const BIRTHDAY =
  /生日(?:礼券|券|礼包|礼(?!物)|福利|权益|特权|积分|优惠|双倍)|生日.{0,4}(?:有什么|有啥|有没有|送什么)|我的生日|birthday (?:coupons?|vouchers?|rewards?|benefits?|points|offers?|perks?|treats?)|my birthday|\b(?:get|receive|claim|where(?:'s| is)) (?:my |the |a )?birthday (?:gift|present|reward|bonus)/i;
/**
 * What points cannot do in this program (src/domain/loyalty: they are earned on paid orders only, and spent on
 * coupons only): "积分能转给别人吗", "积分能换现金吗", "签到有积分吗", "can I transfer my points".
 */
const POINTS_TRANSFER =
  /(?:wife|husband|partner|friend|family|mom|mum|mother|dad|father|son|daughter|kids?|child|children)\b.{0,10}\b(?:use|spend|have|share) (?:my )?points|(?:家人|老婆|老公|妻子|丈夫|朋友|父母|孩子|爸妈|爸爸|妈妈).{0,4}(?:用|使用|花)(?:我的)?积分|积分.{0,6}(?:转给|转让|转赠|赠送|送给|给别人|给朋友|给家人|合并)|(?:转|送|给)(?:一些|点)?积分给|transfer (?:my |some |the )?points|\bpoints? (?:are |is )?(?:transferable|transferrable)\b|points? (?:to|with) (?:a |my )?(?:friend|family|someone|another)|give (?:my |some )?points|gift (?:my )?points|share (?:my )?points|combine (?:my )?points/i;
const POINTS_CASH =
  /积分.{0,6}(?:换|兑换|提|折)(?:成)?现(?:金|钱)|积分.{0,4}(?:提现|兑现)|points? (?:for|into|to) (?:cash|money)|cash (?:out )?(?:my )?points|points? cash ?out/i;
/** Paying with points at checkout ("积分能直接付款吗", "can I pay with points"): points buy coupons, which do. */
const POINTS_PAY =
  /积分.{0,6}(?:直接)?(?:付款|支付|付钱|买单|结账|结算|抵现|抵钱|当钱|当现金|抵扣)|用积分.{0,4}(?:付|支付|买单|结账|抵|买(?!.{0,4}券))|pay (?:for [\w ]{1,20} )?(?:with|by|in|using) (?:my )?points|use (?:my )?points to (?:pay|buy|purchase|check ?out)|\b(?:buy|purchase|get) (?:\w+ ){0,3}with (?:my )?points\b|points? (?:as|for) (?:a )?payment|points? (?:at|during) checkout/i;
const POINTS_OTHER_EARNING =
  /(?:签到|评价|晒单|分享|邀请|推荐好友|注册|生日).{0,6}(?:有|送|得|给|加|赚)(?:没有)?积分|积分.{0,4}(?:签到|评价|邀请)|points? for (?:checking in|check-?ins?|reviews?|sharing|referr|inviting|signing up)|(?:check-?in|review|referral|sign-?up)s? (?:earn|give|get)s? points/i;
/**
 * Asking in words to stop or restart marketing ("unsubscribe me from marketing", "别再给我发广告了"). The consent
 * gate acts on the exact keywords only (STOP, 退订, START, 订阅), so a misread sentence can never change consent:
 * these get the keyword as a one-tap button instead.
 */
const CONSENT_OUT =
  /unsubscribe|取消订阅|opt(?: me)? out|stop (?:sending|messaging|texting|emailing) (?:me )?(?:any )?(?:marketing|promotions?|offers|ads|adverts|deals|spam|newsletters?|these)|no more (?:marketing|promotions?|offers|ads|adverts|deals|messages)|(?:don'?t|do not) (?:send|message|text|email) me (?:any )?(?:more )?(?:marketing|promotions?|offers|ads|adverts|deals|spam|newsletters?)|不要再?(?:给我)?(?:发|推送?)(?:广告|营销|促销|优惠|活动|消息|短信|推送)|别再?(?:给我)?(?:发|推送?)(?:广告|营销|促销|优惠|活动|消息|短信|推送)|(?:取消|关闭|停止)(?:营销|推送|促销|广告)|不想(?:再)?(?:收到|接收)(?:广告|营销|促销|优惠|推送|短信)|\bstop (?:texting|messaging|spamming) me\b/i;
const CONSENT_IN =
  /resubscribe|re-subscribe|subscribe (?:me )?again|opt(?: me)? (?:back )?in|(?:start|resume) (?:sending|receiving)|(?:receive|get) (?:offers|promotions|deals|marketing)(?: messages)? again|重新订阅|恢复(?:推送|订阅|接收)|(?:想|要)(?:收到|接收)(?:优惠|活动|促销)(?:信息|消息)?/i;
/**
 * What a refund does to points ("我退货了积分会怎样", "do I lose points if I return something"): the program's
 * refund rule, ahead of the order-change answer (a person still does the return itself).
 */
const POINTS_REFUND =
  /(?:退货|退款|退单|取消订单|取消了订单|退掉).{0,12}积分|积分.{0,8}(?:退货|退款|退单)|\b(?:if|when|after) i (?:return|refund|cancel)\b.{0,40}\bpoints?\b|\bpoints?\b.{0,40}\b(?:if|when|after) (?:i |you )?(?:return|refund|cancel)|\bpoints?\b.{0,20}\b(?:on|for|after) (?:a |my )?(?:returns?|refunds?|cancell?ations?)\b|\b(?:return|refund|cancel)\w* (?:an? |my |the |this |that )?(?:orders?|items?|purchases?|products?|something)\b.{0,40}\bpoints?\b/i;
/**
 * How tiers are worked out ("会员等级多久评一次", "会降级吗", "how are tiers calculated"): the rule, then the
 * member's own standing. "How do I reach Gold" is a next-tier question the model already answers.
 */
const TIER_RULE =
  /升级.{0,4}(?:多久|什么时候|何时)(?:才)?(?:生效|到账|更新)|积分.{0,6}(?:等级|升级).{0,6}(?:关系|影响|有关|挂钩)|积分(?:会|能)?(?:影响|决定)(?:等级|升级)|(?:等级|升级)(?:看|按|根据)(?:积分|消费)|\bwhen (?:does|will) (?:an |the |my )?upgrade (?:take effect|happen|apply)\b|\b(?:do|does|will) (?:my )?points (?:count|matter) (?:for|toward|towards) (?:my |the )?(?:tier|status|level)\b|\b(?:are )?tiers? based on (?:points|spend)\b|(?:等级|级别).{0,6}(?:多久|怎么|如何|什么时候|何时|多长时间)(?:才|会)?(?:评|算|计算|更新|调整|变|重新)|(?:会|怎么|为什么|为啥)(?:被)?降级|降级(?:规则|吗|了)|保级(?:规则|条件)|等级(?:规则|怎么算)|how (?:are|is) (?:my |the )?(?:tiers?|membership levels?|tier status|status) (?:calculated|worked out|decided|reviewed|determined|updated)|how (?:do|does) (?:the )?(?:tiers?|membership levels?) work|how often (?:are|is|do|does) (?:my |the )?(?:tiers?|status|level)|when (?:will|is|are|does) (?:my |the )?(?:tiers?|status|level|membership level) (?:be )?(?:reviewed|updated|recalculated|checked|change)|(?:can|will|could|would) i (?:be |get )?(?:downgraded|lose my (?:tier|status))|\bdowngrad/i;
/** "包邮吗", "运费多少", "do I get free shipping": the member's shipping benefits and shipping coupons. */
const SHIPPING =
  /包邮|免运费|免邮|运费|邮费|配送费|快递费|free (?:shipping|delivery)|shipping (?:fees?|costs?|charges?)|delivery (?:fees?|charges?|costs?)|pay (?:for )?(?:shipping|delivery)|how much (?:is|does|do you charge for) (?:the )?(?:shipping|delivery|postage)|(?:shipping|delivery|postage) (?:is |free )?free\b|(?:is|are) (?:the )?(?:shipping|delivery|postage) free/i;
/**
 * "你们几点上班", "客服什么时候在", "when is customer service available": the support team's hours. A place's opening
 * hours ("这家餐厅营业时间") are not ours, so the team or "you" must be named.
 */
const SUPPORT_HOURS =
  /(?:客服|人工)(?:的)?.{0,4}(?:几点|什么时候|何时|时间|上班|下班|在线|营业)|(?:你们|您们)(?:几点|什么时候|每天几点)(?:上班|下班|开门|营业|有人|在)|几点(?:有|才有)人工|(?:你们|您们|客服|人工)?(?:周末|周六|周日|星期六|星期天|星期日|节假日|假期|晚上)(?:也)?(?:上班|营业|有人|在线|有客服|有人工)|(?:are|is) (?:you|your team|support|customer service|someone) (?:open|available|online|working) (?:on )?(?:weekends?|saturdays?|sundays?|holidays?)|\b(?:support|customer service|customer care|agents?|your team|live chat|staff)\b.{0,30}\b(?:hours|opening times|open|available|online)\b|\bwhat (?:are )?your (?:opening |business |working |support )?hours\b|\bwhen (?:are|is|do|does) (?:you|your team|support|customer service|an agent|agents|someone|a person) (?:open|available|online|in|start)\b/i;
/**
 * How the program works ("会员制度是怎样的", "how does the loyalty program work"), and what a newcomer gets
 * ("有什么新人福利", "is there a welcome gift"): earning, spending, tiers, then the member's own standing.
 */
const PROGRAM_HOW =
  /会员(?:制度|规则|体系|计划|权益有哪些|怎么玩)|会员费|会员(?:要|需要)?(?:交钱|收费|付费|花钱)|(?:membership|member) fees?|(?:is|does) (?:the )?(?:membership|program(?:me)?|loyalty program) (?:free|cost)|(?:积分|会员)(?:制度|体系)|怎么(?:玩|参与)会员|how (?:does|do) (?:the |your |this )?(?:loyalty |rewards? |member(?:ship)? )?(?:program(?:me)?|scheme|club|membership|rewards|loyalty)(?: program(?:me)?)? work|tell me about (?:the |your )?(?:loyalty |rewards? |member(?:ship)? )?(?:program(?:me)?|membership|scheme|club)|how (?:does|do) (?:points and tiers|tiers and points) work/i;
export const NEWCOMER =
  /新人(?:福利|礼|专享|优惠)|新会员(?:福利|礼|专享|优惠|怎么|有什么)|我是新会员|刚(?:注册|加入)(?:的)?会员|welcome (?:gift|offer|coupon|bonus|reward)|new member (?:gift|offer|coupon|bonus|benefits?|perks?)|sign[- ]?up (?:bonus|gift|offer|reward)|i(?:'m| am) a new member|just joined|\bi(?:'m| am) new(?: here| to (?:this|the|your) (?:program(?:me)?|shop|store|club))?\b|\bhow (?:do|can) i (?:join|become a member|sign up)\b|\bwhat do i get for (?:signing up|joining)\b|\bfirst time here\b|怎么(?:加入|成为)会员|如何(?:加入|成为)会员|刚(?:注册|加入)/i;
/**
 * Changing the member's own details ("修改手机号", "change my email"): the shop's account page does that, not
 * the chat. A delivery address belongs to an order (ORDER_CHANGE).
 */
const PROFILE_CHANGE =
  /^\s*(?:我的)?(?:个人中心|会员中心|个人信息|个人资料|账户设置|账号设置)[?？!！。.\s]*$|^\s*(?:my )?(?:account|profile|account settings|personal details)[?.!\s]*$|(?:修改|更改|更换|改|换)(?:一下)?(?:我的)?(?:绑定的)?(?:手机号码?|手机|电话号码?|邮箱|生日|出生日期|姓名|名字|昵称|登录密码|密码|会员资料|个人资料|资料)|(?:手机号码?|邮箱|生日|姓名|名字|密码|资料)(?:填错了|写错了|不对|错了|怎么改|如何修改|能改吗|可以改吗)|\b(?:change|update|edit|correct|fix) (?:my )?(?:phone(?: number)?|mobile(?: number)?|e-?mail(?: address)?|birthday|date of birth|name|password|profile|account details|personal details)\b/i;
/** Closing the membership or erasing personal data ("注销会员", "delete my account"): a person verifies and does it. */
const ACCOUNT_CLOSE =
  /注销(?:会员|账户|账号|我的)?|删除(?:我的)?(?:账户|账号|数据|个人信息|个人数据|资料|会员)|(?:不想|不要)(?:再)?(?:当|做)会员|\b(?:delete|close|cancel|remove|deactivate|terminate) (?:my )?(?:account|membership|loyalty account|data|personal data|profile)\b|\b(?:erase|forget) (?:all )?(?:my )?(?:data|details|me)\b|right to be forgotten/i;
/**
 * Two or three of the member's own facts asked together ("我的积分和等级", "what's my tier and how many points do I
 * have", "points and coupons?"): each is answered, in the order points, tier, coupons, orders. A joining word is
 * needed, so "how many points for gold" stays one question.
 */
const TOPIC_WORDS: [Topic, RegExp][] = [
  ['points', /积分|\bpoints?\b|\bbalance\b/i],
  ['tier', /等级|级别|\btier\b|\bstatus\b|\blevel\b/i],
  ['coupons', /券|\bcoupons?\b|\bvouchers?\b/i],
  ['orders', /订单|快递|物流|\borders?\b|\bdeliver(?:y|ies)\b|\bparcels?\b/i],
];
const JOINED = /和|跟|与|以及|还有|、|，|,|&|\band\b|\bplus\b/i;
/** Words that make one question out of two topics: spending points on a tier, points of an order, a coupon for points. */
const ONE_QUESTION =
  /需要|还差|升|多少积分.*(?:金卡|银卡|钻石)|兑换|换|redeem|exchange|need|reach|for (?:gold|silver|diamond)|earn|得|没到账|didn'?t get|missing|refund|退/i;
export type Topic = 'points' | 'tier' | 'coupons' | 'orders';
/** "我的券怎么没了", "my coupon disappeared": the coupons held and those that expired lately. */
export const COUPON_GONE =
  /券.{0,6}(?:没了|不见了|消失|找不到|怎么没|去哪|哪去了|过期了)|(?:coupons?|vouchers?)(?: is| are| has| have)? (?:gone|missing|disappeared|vanished|expired)|where (?:is|are|did) my (?:coupons?|vouchers?)|(?:lost|can'?t find|cannot find) my (?:coupons?|vouchers?)|(?:过期|失效)(?:了)?的(?:优惠)?券|expired (?:coupons?|vouchers?)|(?:coupons?|vouchers?).{0,20}\bincluding (?:the )?expired/i;
/** Wanting to complain or give feedback without saying what about ("投诉", "I want to complain"): ask first. */
export const BARE_COMPLAINT =
  /^\s*(?:我(?:要|想)?(?:投诉|反馈|提(?:个|点|一些)?建议|提(?:个|点|一些)?意见)|我想(?:给你们)?提(?:个|点|一些)?(?:建议|意见)|我有(?:个|一个|一些|点)?(?:投诉|建议|意见|反馈)|投诉|反馈|提建议|提意见|complain|complaint|a complaint|i want to complain|i have a complaint|i(?:'d| would) like to (?:complain|make a complaint|give (?:some )?feedback)|i (?:want|wanna) to (?:give|leave|share|send) (?:you )?(?:some )?feedback|i (?:want to|would like to|'d like to) make a suggestion|i have (?:some |a )?(?:feedback|suggestion|idea)|can i (?:give|leave) (?:you )?(?:some )?feedback|make a complaint|feedback|give feedback)[\s!.。！~?？]*$/i;
/**
 * Points already gone ("我的积分过期了，能恢复吗", "my points expired, can you restore them"): what expired and when,
 * not the next expiry days. "积分快过期了" (about to expire) is an expiry question.
 */
const POINTS_EXPIRED =
  /积分.{0,6}(?<!快|将|要|会)(?:过期了|已经过期|已过期|被清零|清零了|没了)|(?:恢复|返还|找回|补回|退回)(?:过期的?)?积分|\bpoints? (?:have |has |had )?(?:already )?(?:expired|been wiped|disappeared)\b|\brestore (?:my )?(?:expired )?points\b|\b(?:get|bring) (?:my )?(?:expired )?points back\b|\bexpired points\b/i;
/** "我上次买了什么", "what did I buy last time": the latest order with what was in it. */
const LAST_PURCHASE =
  /(?:我|上次|最近|上一次)(?:都)?买了(?:些)?(?:什么|啥)|(?:上个?月|这个?月|本月|上周|这周|本周|前几天|去年)(?:我)?(?:都)?买了(?:些)?(?:什么|啥)|买过(?:什么|啥)|上一单(?:是|买)|what did i (?:buy|order|purchase|get)\b|what (?:was|is) in my (?:last |latest )?order|last thing i (?:bought|ordered)|what i (?:bought|ordered) last/i;
/** Points the member did not spend themselves ("我的积分被盗了", "someone used my points"): a complaint for a person. */
export const POINTS_MISUSE =
  /积分.{0,6}(?:被盗|被偷|被人(?:用|盗用|花)|被别人(?:用|花|兑换)|不是我(?:用|兑换|花)的)|(?:someone|somebody)(?: else)? (?:used|stole|took|spent|redeemed) my points|\bpoints (?:were |was |have been |got )?stolen\b|\bi (?:didn'?t|did not|never) (?:redeem|use|spend) (?:these|those|my|the) points\b/i;
/** Goods that arrived broken, leaking, spoiled, wrong or short, or a parcel lost: a complaint for a person, whatever the words around it. */
export const DAMAGED_GOODS =
  /\b(?:arrived|came|was delivered|were delivered|showed up|is|was|are|were|got)\s+(?:\w+\s+)?(?:broken|damaged|defective|smashed|crushed|cracked|torn|leaking|leaked|spoiled|rotten|faulty|dented)\b|\b(?:leaked|leaking) (?:in|all over)\b|(?:坏了|破损|损坏|碎了|压坏|摔坏|漏了|漏液|变质|发霉|烂了|有质量问题|质量有问题)|(?:和|跟|与)(?:图片|描述|页面|详情页?)(?:上的)?不(?:一样|符|一致)|货不对板|\bnot as (?:described|pictured|advertised)\b|\b(?:doesn'?t|does not|didn'?t|did not) (?:look like|match) the (?:picture|photo|description|listing)\b|(?:包裹|快递|货|件|东西)(?:被)?(?:弄)?丢了|丢件|显示(?:已)?签收.{0,6}(?:没|未)(?:收到|拿到)|\b(?:lost|missing) (?:my )?(?:package|parcel|order|delivery)\b|\b(?:package|parcel|order|delivery) (?:was |is |got |has been )?(?:lost|stolen)\b|\b(?:says|marked|shows?) (?:as )?delivered but\b|发错(?:了)?(?:货|商品|东西|颜色|尺码)?|少发|漏发|缺件|少了(?:一|1|两|2)?(?:件|个|样)|(?:收到|送来)的?(?:东西|商品|货)?(?:不对|错了)|\b(?:received|got|sent|delivered) (?:me )?(?:the |a )?wrong (?:item|items|product|products|size|colou?r|order)\b|\b(?:the )?(?:size|colou?r|item|product) (?:is|was|are|were) wrong\b|\bmissing (?:an |one |some )?(?:items?|products?|parts?)\b|\bitems? (?:is |are |was |were )?missing\b|\bmy order (?:is|was|came) (?:wrong|incomplete)\b/i;
/** Where a refund has got to (not how to get one, nor how long one takes: those are the support team's). */
const REFUND_STATUS =
  /退款(?:进度|状态|到账|到了|退了吗|怎么样了|到哪了?|好了吗|成功了吗|处理了吗)|退款(?:还)?(?:没|没有)(?:到|收到|到账)|(?:收到|到账).{0,2}退款(?:了吗|没)|\brefund (?:status|progress)\b|\bwhere(?:'s| is) my refund\b|\b(?:has|did|was|is) my refund\b|\b(?:status|progress) of my refund\b|\b(?:haven'?t|have not|didn'?t|did not|never) (?:received|got|gotten) my refund\b/i;
/** What a coupon costs in points, or whether the balance buys one; what points are worth. */
const COUPON_COST =
  /\bexchange rate\b.{0,12}\bpoints?\b|\bpoints?\b.{0,12}\bexchange rate\b|\b(?:value of|worth of) (?:my |the |a )?points?\b|\bhow much (?:is|are) (?:a |one |\d+ )?points? worth\b|积分(?:价值|值多少钱|等于多少钱|怎么换算|兑换比例|比例)|一积分(?:等于|值|多少钱)|券.{0,8}(?:多少|几)(?:个)?积分|\bhow many points (?:for|is|does|to get) .{0,16}\boff\b|(?:多少|几)积分.{0,6}(?:换|兑)|(?:够不够|够|能不能|可以)(?:换|兑换?)(?:一张|张|个)?(?:优惠)?券|\b(?:enough|sufficient) points (?:for|to (?:get|redeem|buy)) (?:a |any |the )?(?:coupon|voucher)s?\b|\bhow many points (?:is|for|does|do|to get) (?:a |an |the |each )?(?:\w+ )?(?:coupon|voucher)s?\b|\b(?:coupon|voucher)s? cost\b/i;
/** "How do I use it?" with nothing named. */
const USE_IT =
  /^\s*(?:(?:so |ok |okay )?how (?:do|can|should) i use (?:it|this|that|them|these|those)|how to use (?:it|this|that|them)|where (?:do|can) i use (?:it|this|that|them)|(?:那|这个?|它)?(?:要)?(?:怎么|如何|怎样)(?:使)?用(?:呢|啊)?|在哪(?:里)?用)[\s?？!.。]*$/i;
/** What is asked about a pasted order number. */
const ORDER_ASK =
  /\b(?:where|status|track\w*|when|arriv\w*|ship\w*|deliver\w*|check)\b|到哪|物流|快递|发货|到货|状态|怎么样了|查(?:一下|询)?|进度/i;
/** A message that is an order number and nothing else but punctuation or "order". */
const BARE_ORDER_ID = /^\s*(?:order|订单|订单号)?\s*[:：#]?\s*[A-Za-z]{0,4}\d[\w-]{5,40}\s*[?？.。!！]*\s*$/i;
/** Asking to be written to in the other language: "说中文", "请用英文回复", "speak Chinese", "English please". */
const LANGUAGE_ZH =
  /^\s*(?:请|麻烦)?(?:(?:说|用|讲|换成?|切换(?:到|成)?|改成?)(?:中文|汉语|普通话)|中文(?:回复|回答|交流|沟通|就行|就好)?(?:吧|可以吗|好吗)?)(?:回复|回答|交流|沟通|和我说|跟我说)?(?:吧|好吗|可以吗|谢谢)?[\s!.。！?？~]*$|\b(?:speak|reply|answer|talk|write|respond|text)(?: to me)? in (?:chinese|mandarin)\b|\b(?:chinese|mandarin),? please\b|\b(?:change|switch|set) (?:my |the )?language to (?:chinese|mandarin)\b|\bswitch to (?:chinese|mandarin)\b|^\s*(?:can you |could you |please |pls )?(?:speak|use|write|talk)(?: in)? (?:chinese|mandarin)(?: please| pls| with me| to me)?[\s!.?]*$/i;
const LANGUAGE_EN =
  /^\s*(?:请|麻烦)?(?:(?:说|用|讲|换成?|切换(?:到|成)?|改成?)(?:英文|英语)|英文(?:回复|回答|交流|沟通|就行|就好)?(?:吧|可以吗|好吗)?)(?:回复|回答|交流|沟通|和我说|跟我说)?(?:吧|好吗|可以吗|谢谢)?[\s!.。！?？~]*$|\b(?:speak|reply|answer|talk|write|respond|text)(?: to me)? in english\b|\benglish,? please\b|\b(?:change|switch|set) (?:my |the )?language to english\b|\bswitch to english\b|^\s*(?:can you |could you |please |pls )?(?:speak|use|write|talk)(?: in)? english(?: please| pls| with me| to me)?[\s!.?]*$/i;
/** Linking this chat to a membership ("绑定会员", "how do I link my account"). */
const LINK_ASK =
  /(?:绑定|关联|连接)(?:我的)?(?:会员|账号|账户|会员卡)|(?:会员|账号|账户)(?:怎么|如何)(?:绑定|关联)|\b(?:link|connect|bind)(?:ing)? (?:my |this )?(?:account|membership|member account|loyalty account|card)\b|\bis (?:my |this )?(?:account|chat) linked\b/i;
/** The shop's sign-in: a password or login problem is the shop account's, which the assistant cannot see. */
const LOGIN_HELP =
  /忘(?:记)?了?密码|密码(?:忘|错|不对|找回|重置)|登(?:录|陆)不(?:上|了|进去)|无法登(?:录|陆)|(?:forgot|forget|reset|change) (?:my )?password|(?:can'?t|cannot|unable to|couldn'?t) (?:log ?in|sign ?in|access my account)|locked out of my account/i;
/** A span of time in a purchase question ("上个月买了什么"): more than the latest order is asked for. */
const PURCHASE_SPAN = /上个?月|这个?月|本月|上周|这周|本周|前几天|去年|last (?:month|week|year)|this (?:month|week|year)|recently/i;
/** "show my last order", "最近一笔订单": one order, the latest, rather than the last three. */
export const LAST_ORDER =
  /\b(?:last|latest|most recent) (?:order|purchase)\b|最近一(?:笔|个|单)订单|上一(?:笔|个)订单|最新(?:的)?(?:一笔)?订单/i;
/** "有什么优惠活动", "do you have any deals": the member's coupons and what points buy (weak intents only). */
const DEALS =
  /\b(?:any|good|best|current|member|special) deals\b|\bspecial offers?\b|\bpromotions?\b|\bpromo codes?\b|\bdiscounts?\b|\bon sale\b|\bany sales?\b|\b(?:sale|clearance) items?\b|优惠活动|有什么活动|有啥活动|促销|打折|折扣|特价/i;
/** "我的会员号是多少", "what's my member number". */
const MEMBER_NUMBER = /会员号|会员卡号|会员编号|会员\s*id|member(?:ship)?\s+(?:number|no\.?|id|card number)|loyalty (?:number|id)/i;
/** Shipping words in a complaint, a request for a person or an order question belong to those answers. */
const NOT_SHIPPING_INTENTS = new Set<Intent>(['feedback_complaint', 'human_agent', 'order_status']);
export const MENTIONS_POINTS = /积分|\bpoints?\b/i;
export const ORDER_ID = /\b([A-Za-z]{0,4}\d[\w-]{5,40})\b/;
export const TIER_WORDS: [RegExp, string][] = [
  [/钻石|diamond/i, 'diamond'],
  [/金卡|gold/i, 'gold'],
  [/银卡|silver/i, 'silver'],
  [/普通会员|普卡|regular/i, 'regular'],
];

/** A question a rule answers on its own, or the intent a rule routes the message to instead of the model's. */
export type RuledQuestion =
  | { kind: 'ack' }
  | { kind: 'confused' }
  | { kind: 'member_number' }
  | { kind: 'linked' }
  | { kind: 'login_help' }
  | { kind: 'birthday' }
  | { kind: 'last_purchase' }
  | { kind: 'consent_how'; to: 'out' | 'in' }
  | { kind: 'points_policy'; topic: 'transfer' | 'cash' | 'pay' | 'earning' | 'refund' }
  | { kind: 'tier_rule' }
  | { kind: 'program' }
  | { kind: 'points_expired' }
  | { kind: 'topics'; topics: Topic[] }
  | { kind: 'profile_change' }
  | { kind: 'language'; to: 'zh-CN' | 'en' }
  | { kind: 'account_close' }
  | { kind: 'shipping' }
  | { kind: 'support_hours' }
  | { kind: 'earn_estimate'; amount: number }
  | { kind: 'points_wrong' }
  | { kind: 'order_change' }
  | { kind: 'refund_status' }
  | { kind: 'spend' }
  | { kind: 'route'; intent: Intent };

/**
 * Whether what a rule made of a message is a question with an answer of its own, so that a message that would
 * otherwise be taken as a comment (a rating's comment, an asked-for complaint) is answered instead. An
 * acknowledgement and an order change are not; a re-route only counts when `routes` (a rating comment "有什么优惠活动"
 * is a question, while after "what happened?" a message the model reads as an order question is the complaint).
 */
export function isRuledQuestion(ruled: RuledQuestion | null, options: { routes: boolean }): boolean {
  if (!ruled || ruled.kind === 'ack' || ruled.kind === 'order_change') return false;
  return options.routes || ruled.kind !== 'route';
}

/** What the rules make of a message the model classified as `intent`; null leaves the model's answer. In order. */
export function ruledQuestion(text: string, intent: Intent): RuledQuestion | null {
  if (ACK.test(text) || ACK_EMOJI.test(text)) return { kind: 'ack' };
  if (CONFUSED.test(text) || HELP.test(text)) return { kind: 'confused' };
  if (LANGUAGE_ZH.test(text)) return { kind: 'language', to: 'zh-CN' };
  if (LANGUAGE_EN.test(text)) return { kind: 'language', to: 'en' };
  if (CONSENT_IN.test(text)) return { kind: 'consent_how', to: 'in' };
  if (CONSENT_OUT.test(text)) return { kind: 'consent_how', to: 'out' };
  if (ACCOUNT_CLOSE.test(text) && intent !== 'feedback_complaint') return { kind: 'account_close' };
  if (PROFILE_CHANGE.test(text) && intent !== 'feedback_complaint') return { kind: 'profile_change' };
  if (MEMBER_NUMBER.test(text) && !ORDER_ID.test(text)) return { kind: 'member_number' };
  // Only a member the chat is linked to reaches the rules, so "how do I link my account" is answered with that link.
  if (LINK_ASK.test(text)) return { kind: 'linked' };
  if (LOGIN_HELP.test(text) && (intent === 'out_of_scope' || intent === 'human_agent')) return { kind: 'login_help' };
  if (LAST_PURCHASE.test(text) && !ORDER_ID.test(text)) {
    // "上个月买了什么", "what did I buy last week": a span of time holds several orders, so the recent ones with their dates.
    return PURCHASE_SPAN.test(text) ? { kind: 'route', intent: 'order_status' } : { kind: 'last_purchase' };
  }
  // "我的生日券怎么不见了" looks for a coupon, not the birthday benefits.
  if (COUPON_GONE.test(text)) return intent === 'coupons' ? null : { kind: 'route', intent: 'coupons' };
  if (BIRTHDAY.test(text) && intent !== 'feedback_complaint' && intent !== 'human_agent') return { kind: 'birthday' };
  const amount = amountIn(text);
  // "how many points for ¥12 off" asks a coupon's price in points, not what a ¥12 order earns.
  if (amount !== undefined && EARN_QUESTION.test(text) && !COUPON_VALUE.test(text) && !COUPON_WORDS.test(text)) {
    return { kind: 'earn_estimate', amount };
  }
  if (POINTS_EXPIRED.test(text) && intent !== 'feedback_complaint') return { kind: 'points_expired' };
  if (POINTS_MISUSE.test(text)) return intent === 'feedback_complaint' ? null : { kind: 'route', intent: 'feedback_complaint' };
  if (POINTS_WRONG.test(text)) return { kind: 'points_wrong' };
  if (POINTS_TRANSFER.test(text)) return { kind: 'points_policy', topic: 'transfer' };
  if (POINTS_CASH.test(text)) return { kind: 'points_policy', topic: 'cash' };
  if (POINTS_PAY.test(text)) return { kind: 'points_policy', topic: 'pay' };
  if (POINTS_OTHER_EARNING.test(text)) return { kind: 'points_policy', topic: 'earning' };
  if (ORDER_POINTS.test(text)) return intent === 'order_status' ? null : { kind: 'route', intent: 'order_status' };
  if (REDEEMED.test(text)) return intent === 'coupons' ? null : { kind: 'route', intent: 'coupons' };
  if (COUPON_WORDS.test(text) && (intent === 'order_status' || intent === 'out_of_scope') && !ORDER_ID.test(text)) {
    return { kind: 'route', intent: 'coupons' };
  }
  if (POINTS_REFUND.test(text)) return { kind: 'points_policy', topic: 'refund' };
  if (SUPPORT_HOURS.test(text) && intent !== 'feedback_complaint') return { kind: 'support_hours' };
  // A shipping grumble ("运费怎么这么贵，太坑了") is feedback, even when the model did not see it: left to the model.
  const shippingQuestion =
    !COUPON_WORDS.test(text) && !ORDER_ID.test(text) && !NOT_SHIPPING_INTENTS.has(intent) && sentimentOf(text) !== 'negative';
  if (SHIPPING.test(text) && shippingQuestion) {
    return { kind: 'shipping' };
  }
  if (TIER_RULE.test(text) && intent !== 'feedback_complaint' && intent !== 'human_agent') return { kind: 'tier_rule' };
  if ((PROGRAM_HOW.test(text) || NEWCOMER.test(text)) && intent !== 'feedback_complaint' && intent !== 'human_agent') {
    return { kind: 'program' };
  }
  const topics = TOPIC_WORDS.filter(([, re]) => re.test(text)).map(([t]) => t);
  if (topics.length >= 2 && JOINED.test(text) && !ONE_QUESTION.test(text) && text.length <= 80 && !ORDER_ID.test(text)) {
    return { kind: 'topics', topics };
  }
  // "退款到账了吗", "where is my refund": the orders as the shop reported them (a refunded one says so), then a person.
  if (REFUND_STATUS.test(text) && (intent === 'out_of_scope' || intent === 'order_status')) return { kind: 'refund_status' };
  // "我要换货" reads like redeeming to the model (换); with no points or coupon in it, it is an order change.
  const changeIntent =
    intent === 'out_of_scope' ||
    intent === 'order_status' ||
    ((intent === 'earn_redeem_points' || intent === 'coupons') && !/积分|券|points?|coupon/i.test(text));
  if (ORDER_CHANGE.test(text) && changeIntent) return { kind: 'order_change' };
  // "尺码不合适" reads like coupons to the model (码), "衣服太小了" like feedback: an exchange, unless it is a complaint.
  if (WRONG_FIT.test(text) && (changeIntent || (intent === 'feedback_complaint' && !/投诉|complain/i.test(text)))) {
    return { kind: 'order_change' };
  }
  // "钻石会员要消费多少" asks a tier's threshold, not what the member spent.
  if (SPEND.test(text) && SPEND_OVERRIDES.has(intent) && !TIER_WORDS.some(([re]) => re.test(text))) return { kind: 'spend' };
  if (DEALS.test(text) && (intent === 'out_of_scope' || intent === 'greeting_chitchat')) return { kind: 'route', intent: 'coupons' };
  // "my order arrived damaged", "包裹里的杯子碎了": damaged goods are a complaint for a person, not order tracking.
  // "我的积分够不够换券", "最便宜的券要多少积分": what the points buy, not the balance alone.
  if (
    COUPON_COST.test(text) &&
    (intent === 'points_balance' || intent === 'out_of_scope' || intent === 'coupons' || intent === 'greeting_chitchat')
  ) {
    return { kind: 'route', intent: 'earn_redeem_points' };
  }
  if (DAMAGED_GOODS.test(text) && (intent === 'order_status' || intent === 'out_of_scope')) {
    return { kind: 'route', intent: 'feedback_complaint' };
  }
  // "how do I use it?" / "怎么用" on its own: in this chat "it" is a coupon (how one is used, with those held).
  if (USE_IT.test(text) && (intent === 'out_of_scope' || intent === 'greeting_chitchat')) return { kind: 'route', intent: 'coupons' };
  // A pasted order number, alone or asked after ("SO26112700022", "where is SO26112700022?"), asks for that order.
  if (intent === 'out_of_scope' && ORDER_ID.test(text) && (ORDER_ASK.test(text) || BARE_ORDER_ID.test(text))) {
    return { kind: 'route', intent: 'order_status' };
  }
  return null;
}
