// Unit tests for the offline bilingual intent classifier (no shared eval data: runs on a fresh clone).
import { beforeAll, describe, expect, it } from 'vitest';
import { classify, detectLang, INTENTS, warmUp, type Intent } from '../../src/assistant/offline/nlu/index.js';
import { expandTemplate } from '../../src/assistant/offline/nlu/expand.js';
import { TRAINING_EN } from '../../src/assistant/offline/nlu/training-en.js';
import { TRAINING_ZH } from '../../src/assistant/offline/nlu/training-zh.js';

// Written for these tests; the "not copies of the training data" test below keeps it that way.
const EN: Record<Intent, string[]> = {
  points_balance: [
    'how many points are sitting in my account at the moment',
    'could you pull up my loyalty point balance',
    "what's my reward point total looking like",
    'tell me how many points i currently own',
    'points remaining on my membership?',
    // The program keeps no other balance for a member, so a bare "balance" is the points balance.
    "what's my balance",
    'points please',
  ],
  points_history: [
    'when are my points going to expire',
    'show me what happened to my points over the last month',
    'why did my points go down after yesterday',
    'i need the list of points i earned and used',
    'are some of my points about to expire soon',
  ],
  earn_redeem_points: [
    'how can i collect points more quickly',
    'i would like to redeem 300 points',
    'what can i trade my points in for',
    'is it possible to spend points on shipping fees',
    'what do my points buy me',
  ],
  tier_benefits: [
    'which membership tier am i in right now',
    'what perks come with being a silver member',
    'tell me what the diamond level includes',
    'what are the benefits of the gold tier',
    'which level is my membership',
    "what's the point of gold",
  ],
  next_tier: [
    'how much more do i have to spend before i reach gold',
    'how close am i to becoming a diamond member',
    'what do i need to do to hold on to gold status next year',
    'how many more points until my next upgrade',
    'am i in danger of being downgraded',
  ],
  coupons: [
    'are there any vouchers in my account',
    'how do i use a discount coupon at checkout',
    'my promo code keeps getting rejected',
    'list all coupons on my account',
    'when do my vouchers run out',
  ],
  order_status: [
    'where is my parcel right now',
    'has my order shipped already',
    'when is my package going to be delivered',
    'track order 99887766 for me',
    'my delivery still has not shown up',
  ],
  recommend_products: [
    'can you suggest a few products for me',
    'what do you think i should buy this time',
    'any recommendations from your store for me',
    'recommend me something nice to buy',
    'help me choose a gift from your shop',
  ],
  feedback_complaint: [
    'i want to complain about the courier',
    'your customer support team is just awful',
    'i would like to write a review of the store',
    'i have an idea to improve your app',
    'the jacket i received was damaged and i am very disappointed',
    'i hate this app',
    "you're useless",
  ],
  human_agent: [
    'let me talk to a real human please',
    'i need a live agent',
    'please connect me with someone from customer service',
    'can i speak with a representative',
    'get me an actual person',
  ],
  greeting_chitchat: [
    'hello there, nice bot!',
    'good evening to you',
    'thanks a lot for helping',
    'who exactly am i speaking to',
    'are you some kind of robot',
    'tell me a joke about penguins',
    'bye for now',
  ],
  out_of_scope: [
    'what is the weather going to be like in paris tomorrow',
    'book me a flight to london next friday',
    'how do i make fluffy pancakes',
    'play some relaxing jazz music',
    'transfer 200 dollars to my savings account',
    'how much money is left in my checking account balance',
    'i forgot my password and cannot log in',
    'what is your return policy for shoes',
    'please cancel my order',
    'change the shipping address on my purchase',
    'which payment methods do you take',
    'how tall is the eiffel tower',
    'set an alarm for 6:30 tomorrow',
  ],
};

const ZH: Record<Intent, string[]> = {
  points_balance: ['我账户上现在还有几个积分', '帮我查查积分剩多少呀', '我的积分总共有多少', '现在我有多少会员积分', '查一下余额'],
  points_history: ['积分到期时间是哪天', '看一下我这两周的积分变化', '上周我的积分怎么被扣了', '积分收支记录在哪看'],
  earn_redeem_points: ['积分能兑换哪些礼品', '我想拿积分换一张优惠券', '怎么样才能多攒点积分', '网上买东西也送积分吗'],
  tier_benefits: ['金卡会员一般能享受哪些特权', '我目前属于哪个会员等级', '钻石会员都有什么福利', '银卡会员有啥好处'],
  next_tier: ['我距离钻石会员还差多少消费', '怎么样才能升到金卡', '金卡要怎么保级', '还要再买多少才能升级'],
  coupons: ['我手上有几张优惠券', '优惠券应该怎么用', '我的代金券去哪了', '这张券为啥用不了'],
  order_status: ['我的快递什么时候能送到', '帮我看看物流到哪了', '我的订单发货了吗', '包裹现在到哪里了'],
  recommend_products: ['给我推荐几样好东西', '有没有适合我的商品推荐', '我该买点什么好呢', '推荐点好物给我'],
  feedback_complaint: [
    '我要投诉你们的快递员',
    '你们的服务也太差了吧',
    '我想给你们提个建议',
    '给你们的客服点个赞',
    '东西质量一般',
    'APP老是闪退',
    '这个机器人好笨',
  ],
  human_agent: ['麻烦转人工处理', '帮我接一下人工客服', '我想和真人聊', '你们的客服电话多少'],
  greeting_chitchat: [
    '你好呀，小助手',
    '谢谢你的耐心帮助',
    '好的，知道了，再见啦',
    '你是不是个机器人啊',
    '早上好，今天天气不错',
    '好的，非常感谢，没有别的问题了',
    '你好，我想问一下',
  ],
  out_of_scope: [
    '明天北京天气怎么样',
    '银行卡余额还有多少',
    '帮我订一家五星级酒店',
    '故宫门票现在卖多少钱',
    '从天安门坐地铁到北京站怎么走',
    '红烧肉怎么做好吃',
    '我想转账给朋友',
    '这个我要退款',
    '我想把收货地址改成公司',
    '给我放一首陈奕迅的歌',
    '你好，请帮我推荐一个评分高的景点，谢谢',
    '好的谢谢，再帮我找一家人均100元左右的餐馆吧',
  ],
};

// Train both models up front so timing assertions below measure classification only.
beforeAll(() => warmUp());

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

describe('nlu: label set and language detection', () => {
  it('exports the twelve product intents', () => {
    expect(INTENTS).toHaveLength(12);
    expect(new Set(INTENTS).size).toBe(12);
    expect(INTENTS).toContain('out_of_scope');
  });

  it('detects zh-CN on any CJK ideograph and en otherwise', () => {
    expect(detectLang('我的积分')).toBe('zh-CN');
    expect(detectLang('where is my 订单')).toBe('zh-CN');
    expect(detectLang('hello')).toBe('en');
    expect(detectLang('')).toBe('en');
    expect(detectLang('ｈｅｌｌｏ １２３')).toBe('en');
    expect(detectLang('こんにちは')).toBe('en'); // kana only, no ideograph
    expect(classify('积分').lang).toBe('zh-CN');
    expect(classify('points').lang).toBe('en');
  });
});

describe('nlu: test sentences are not training sentences', () => {
  it('no example below appears verbatim in the expanded training data', () => {
    const training = new Set<string>();
    for (const set of [TRAINING_EN, TRAINING_ZH]) {
      for (const lines of Object.values(set)) for (const t of lines) for (const v of expandTemplate(t)) training.add(norm(v));
    }
    const copies = [...Object.values(EN), ...Object.values(ZH)].flat().filter((s) => training.has(norm(s)));
    expect(copies).toEqual([]);
  });
});

describe('nlu: classifies unseen English examples per intent', () => {
  for (const intent of INTENTS) {
    it(intent, () => {
      for (const text of EN[intent]) {
        const c = classify(text);
        expect({ text, intent: c.intent }).toEqual({ text, intent });
        expect(c.lang).toBe('en');
      }
    });
  }
});

describe('nlu: classifies unseen Chinese examples per intent', () => {
  for (const intent of INTENTS) {
    it(intent, () => {
      for (const text of ZH[intent]) {
        const c = classify(text);
        expect({ text, intent: c.intent }).toEqual({ text, intent });
        expect(c.lang).toBe('zh-CN');
      }
    });
  }
});

describe('nlu: robustness', () => {
  it('treats mixed nonsense as out_of_scope', () => {
    for (const text of ['zxqv blorp fnord wibble', 'asdkjh qweoiu zmxncb', '紫色的大象在键盘上跳舞', 'flux capacitor 火星 banana 电吉他']) {
      expect(classify(text).intent).toBe('out_of_scope');
    }
  });

  it('handles empty and whitespace-only input without throwing', () => {
    for (const text of ['', ' ', '\n\t  \r\n', '？！。', '...', '🙂🙂']) {
      const c = classify(text);
      expect(c.intent).toBe('out_of_scope');
      expect(c.confidence).toBe(0);
    }
  });

  // Speed is measured by `npm run bench`, not asserted here.
  it('handles very long input (> 2000 chars) without throwing', () => {
    const inputs = [
      'where is my order '.repeat(200),
      '我的积分还有多少'.repeat(400),
      'x'.repeat(5000),
      'lorem ipsum dolor sit amet 积分 points '.repeat(120),
    ];
    for (const text of inputs) {
      expect(text.length).toBeGreaterThan(2000);
      const c = classify(text);
      expect(INTENTS).toContain(c.intent);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
    expect(classify('where is my order '.repeat(200)).intent).toBe('order_status');
  });

  it('survives odd tokens (prototype names, ids, full-width text, emoji)', () => {
    for (const text of [
      'constructor',
      '__proto__ toString valueOf',
      'hasOwnProperty?',
      'ＷＨＥＲＥ ＩＳ ＭＹ ＯＲＤＥＲ',
      'order #A1B2C3D4E5 📦',
      '\u0000\u200b',
    ]) {
      const c = classify(text);
      expect(INTENTS).toContain(c.intent);
    }
    expect(classify('ＷＨＥＲＥ ＩＳ ＭＹ ＯＲＤＥＲ').intent).toBe('order_status');
  });

  it('tolerates common typos', () => {
    expect(classify('wher is my pakage').intent).toBe('order_status');
    expect(classify('how many pionts do i have').intent).toBe('points_balance');
    expect(classify('my pionts').intent).toBe('points_balance');
    expect(classify('order history').intent).toBe('order_status');
    expect(classify('suggestions').intent).toBe('recommend_products');
    expect(classify("what's hot").intent).toBe('recommend_products');
    expect(classify('购买记录').intent).toBe('order_status');
    expect(classify('i want to file a complaitn').intent).toBe('feedback_complaint');
  });
});

describe('nlu: determinism and confidence', () => {
  const sample = [...Object.values(EN), ...Object.values(ZH)].flat();

  it('returns identical results for identical input', () => {
    const first = sample.map((t) => classify(t));
    const second = sample.map((t) => classify(t));
    expect(second).toEqual(first);
  });

  it('reports confidence in [0, 1] and a language for every result', () => {
    for (const text of sample) {
      const c = classify(text);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
      expect(['en', 'zh-CN']).toContain(c.lang);
    }
  });

  it('is confident on clear requests', () => {
    expect(classify('转人工').confidence).toBeGreaterThan(0.8);
    expect(classify('where is my package').confidence).toBeGreaterThan(0.6);
  });
});
