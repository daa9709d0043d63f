// High-precision keyword rules for cues the statistical model must never miss (e.g. "转人工", a bare "thanks").
import type { Intent, Lang } from './intents.js';
import { wordTokens } from './text.js';

interface Rule {
  intent: Intent;
  pattern: RegExp;
  /** The rule only fires when this does not match (guards against obvious counter-examples). */
  unless?: RegExp;
}

// Each pattern names the intent unambiguously on its own; anything fuzzier is left to the model.
const ZH_RULES: Rule[] = [
  {
    intent: 'human_agent',
    pattern: /转人工|换人工|人工客服|人工服务|真人客服|接人工|找人工|转接人工|转接客服|人工坐席/,
    unless: /投诉|差|态度/,
  },
  { intent: 'points_history', pattern: /积分(明细|记录|流水|变动|历史)|积分.{0,6}(过期|到期|失效|清零|有效期)/ },
  { intent: 'next_tier', pattern: /保级|升级进度|还差多少.{0,4}升级|降级/ },
  {
    intent: 'points_balance',
    pattern: /积分余额|多少积分|积分(还剩|还有|剩)多少/,
    unless: /兑换|换|抵|需要|升级|过期|到期|明细|记录|获得|赚|得了/,
  },
  // A bare "积分" / "我的积分" asks for the balance (the most common points question).
  { intent: 'points_balance', pattern: /^(我的|我|查|查询|看看)?(会员)?(积分|积份|jifen)[?？!！。.\s]*$/ },
  // "余额" in a loyalty chat is the points balance: the program keeps no other balance for a member.
  {
    intent: 'points_balance',
    pattern: /^(我的|我|查|查询|看看|查一下|看一下)?(会员|账户)?余额(多少|是多少|还有多少|还剩多少)?[?？!！。.\s]*$/,
  },
  // Likewise a bare "我的等级" asks which tier the member is in.
  { intent: 'tier_benefits', pattern: /^(我的|我|查|查询|看看)?(会员)?(等级|级别)[?？!！。.\s]*$/ },
  // A verdict on the goods, the service, the app or the assistant ("东西质量一般", "这个机器人好笨"), or the app failing
  // ("APP老是闪退"), is feedback; delivery speed stays with the orders, which say where a parcel is.
  {
    intent: 'feedback_complaint',
    pattern:
      /(?:质量|东西|商品|产品|服务|态度|包装|app|应用|网站|页面|机器人|客服)(?:真的|实在)?(?:太|很|好|非常|有点|比较|特别)?(?:一般|差劲?|烂|垃圾|笨|傻|蠢|不行|不好|糟糕)|闪退|卡顿|打不开|崩溃|老是报错/,
    unless: /积分|券|订单号|快递|物流|发货|好不好|怎么样|吗[?？]?$/,
  },
  // Managing an order (cancel, change, address) is not order tracking; the product cannot do it.
  { intent: 'out_of_scope', pattern: /(取消|撤销|修改|更改|改)(一下)?(订单|收货地址|地址)|退(款|货)/ },
  // "订单记录" / "购买记录" are the orders, not the points history.
  { intent: 'order_status', pattern: /(订单|购买|下单)(记录|历史|明细|列表)|购物记录/, unless: /积分/ },
];

const EN_RULES: Rule[] = [
  // A bare "points" / "my points" asks for the balance (the most common points question), typed in a hurry too ("my pionts").
  {
    intent: 'points_balance',
    pattern:
      /^(my |check my |show my )?(points|pionts|ponits|poinst|pts|rewards|reward points|loyalty points)( please| pls| now)?[?.!\s]*$/,
  },
  // A verdict on the shop in a few words ("I hate this app", "I love this store") or a put-down of the assistant ("you're
  // useless") is feedback; praise of the assistant itself ("good job", "you are great") stays small talk.
  {
    intent: 'feedback_complaint',
    pattern:
      /^(i )?(really )?(hate|love|like|dislike|can'?t stand) (this|the|your) (app|bot|assistant|shop|store|service|program|programme|website|site)[.!\s]*$|^(you('re| are)|this (bot|app|assistant) is|your (app|bot|assistant|service) is) (so |really |completely |totally )?(useless|hopeless|terrible|awful|rubbish|stupid|pointless)[.!\s]*$|^(this|the|your) (app|shop|store|service|website|site) is (so |really )?(great|amazing|awesome|brilliant|excellent|terrible|awful|rubbish)[.!\s]*$/,
  },
  // "What's my balance": the only balance a member has with the program is points (a bank or gift-card balance
  // names itself and does not match).
  {
    intent: 'points_balance',
    pattern:
      /^(what'?s|what is|whats|check|show|show me|tell me|see|view|how much is|how much's|can i see|can you check)? ?(my )?(current |available |remaining |account )?balance( please| pls| now)?[?.!\s]*$/,
  },
  // "What's the point of gold?" asks what the tier gives; "point" here is not a loyalty point.
  {
    intent: 'tier_benefits',
    pattern: /\bwhat(?:'s| is) the point of (?:being )?(?:a |an )?(?:gold|silver|diamond|vip|member|membership|(?:a |the )?tiers?)\b/,
  },
  {
    intent: 'tier_benefits',
    pattern: /^(my |show my |what is my |whats my )?(current )?(membership |member |loyalty )?(tier|level|status)[?.!\s]*$/,
  },
  {
    intent: 'human_agent',
    pattern:
      /\b(talk|speak|chat|connect me|transfer me|put me through)\b.{0,25}\b(human|real person|live agent|an agent|representative|operator)\b/,
    unless: /\b(complain|complaint|rude|terrible)\b/,
  },
  // A bare "suggestions" / "what's hot" asks for products (a suggestion for the shop names what it is about).
  {
    intent: 'recommend_products',
    pattern:
      /^(any |some |got any )?(suggestions|recs|ideas|picks)( for me)?[?.!\s]*$|^what'?s (hot|trending|popular|new)( now| right now| today)?[?.!\s]*$/,
  },
  // "Order history" is the orders, not the points history.
  {
    intent: 'order_status',
    pattern: /\b(order|orders|purchase|purchases|buying) (history|records?)\b/,
    unless: /\bpoints?\b/,
  },
  // Changing, cancelling or adding to an order is order management (out of scope), not "where is my order".
  {
    intent: 'out_of_scope',
    pattern:
      /\b(cancel\w*|chang\w*|modif\w*|edit\w*|switch\w*|swap\w*|add\w*|remov\w*|delet\w*)\b.{0,30}\b(orders?|purchases?)\b|\b(orders?|purchases?)\b.{0,30}\b(cancel\w*|modif\w*|edit\w*)\b/,
    unless: /\b(status|where|track\w*|arriv\w*|eta|when|shipped|delivered|points?)\b/,
  },
];

/** Words that carry nothing but politeness; a message made only of them is a greeting, thanks or goodbye. */
const EN_PLEASANTRY = new Set(
  (
    'hi hello hey heya hiya yo howdy greetings there good morning afternoon evening night day bye goodbye byebye see you ' +
    'later soon take care thanks thank very much so a lot many bunch ton again cheers appreciate it appreciated ok okay great ' +
    'cool nice awesome perfect alright fine sure yes yeah yep no nope got that is all for now bot friend buddy pal dear sir ' +
    'madam and the kindly really too lovely wonderful excellent amazing brilliant fantastic super helpful was this me have a ' +
    'cya ttyl welcome oh ah wow haha lol hehe how are is going doing what up sup been new today my your i am glad happy ' +
    'to meet nice talk talking chat chatting with for help helping everything well'
  ).split(' '),
);
const EN_PLEASANTRY_CORE =
  /\b(hi|hello|hey|heya|hiya|yo|howdy|greetings|morning|afternoon|evening|night|bye|goodbye|thanks|thank|cheers|appreciated?|cya|ttyl|ok|okay|great|cool|nice|awesome|perfect|alright|yes|no|yeah|yep|nope|sure|wow|haha|lol)\b/;

/** Chinese politeness vocabulary, longest first so "非常感谢" is removed before "感谢". */
const ZH_PLEASANTRY =
  /我想问一下|想问一下|想问问|问一下|请问一下|咨询一下|我想咨询|我要咨询|我有个问题|有个问题|你好|您好|哈喽|早上好|中午好|下午好|晚上好|早安|晚安|谢谢|多谢|感谢|谢了|谢啦|非常|十分|万分|真的|真是|太|再见|拜拜|回见|下次见|好的|好吧|好啊|好呀|好|嗯|哦|噢|行|可以|收到|明白|了解|知道|清楚|懂|了|啦|啊|呀|哈|呢|吧|你|您|亲|的|帮助|帮忙|辛苦|麻烦|没有问题|没问题|没事|我|就这样|不用|暂时|不客气|嗨|在吗|ok|thanks|thank you|thx|hi|hello|bye/g;
const ZH_THANKS = /谢|感谢|辛苦|再见|拜拜/;
/** Signs that a Chinese message also asks for something (so a "谢谢" in it is just politeness around a request). */
const ZH_REQUEST =
  /[?？吗么]|请|帮我|帮忙(找|查|推荐|看)|我想|我要|想要|打算|能不能|可不可以|可以帮|能否|是否|有没有|有什么|有哪些|什么|哪|多少|怎么|如何|几|推荐(一|个|几|些|下)|给我|找(一|个|家)|查(一|下)|告诉我|再(帮|来|找|推荐|查|给)|还想|还要|另外|顺便|对了/;

/** Product words: "谢谢，我的快递还没到" thanks but is really about an order, so the model must decide. */
const ZH_IN_SCOPE = /积分|订单|快递|物流|包裹|发货|到货|签收|优惠|券|会员|等级|金卡|银卡|钻石|升级|保级|投诉|差评|人工|客服|兑换/;
/** "没什么问题了" (nothing more to ask) contains 什么 but asks nothing. */
const ZH_NEGATED_ASK = /没(有)?(什么|啥|别的|其他|其它)/g;

/** Returns the intent a strong cue dictates, or null when no rule applies. */
export function applyRules(normalized: string, lang: Lang): Intent | null {
  for (const r of lang === 'zh-CN' ? ZH_RULES : EN_RULES) {
    if (r.pattern.test(normalized) && !r.unless?.test(normalized)) return r.intent;
  }
  if (lang === 'zh-CN') {
    const rest = normalized.replace(ZH_PLEASANTRY, '').replace(/[\s\p{P}\p{S}]/gu, '');
    if (rest.length === 0 && normalized.replace(/[\s\p{P}\p{S}]/gu, '').length > 0) return 'greeting_chitchat';
    // "好的，谢谢你提供的信息" thanks for an answer; CrossWOZ-style turns that thank *and* ask stay with the model.
    if (ZH_THANKS.test(normalized) && !ZH_IN_SCOPE.test(normalized) && !ZH_REQUEST.test(normalized.replace(ZH_NEGATED_ASK, ''))) {
      return 'greeting_chitchat';
    }
  } else {
    const toks = wordTokens(normalized);
    if (toks.length > 0 && toks.length <= 12 && toks.every((t) => EN_PLEASANTRY.has(t)) && EN_PLEASANTRY_CORE.test(toks.join(' ')))
      return 'greeting_chitchat';
  }
  return null;
}
