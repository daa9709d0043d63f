// The offline brain's text rules: what each answers, and the look-alikes they must leave to the intent model.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/assistant/offline/nlu/index.js';
import {
  DAMAGED_GOODS,
  amountIn,
  couponNamed,
  MORE_RECS,
  productOrdinal,
  redeemPick,
  ruledQuestion,
  WANT_COUPON,
} from '../../src/assistant/offline/rules.js';

const ruled = (text: string) => ruledQuestion(text, classify(text).intent);

describe('offline text rules', () => {
  it.each([
    ['不了', { kind: 'ack' }],
    ['👍', { kind: 'ack' }],
    ['🙏😊', { kind: 'ack' }],
    ['👍🏽', { kind: 'ack' }],
    ['???', { kind: 'confused' }],
    ['huh?', { kind: 'confused' }],
    ['啥？', { kind: 'confused' }],
    ['no thanks', { kind: 'ack' }],
    ['好的谢谢', { kind: 'ack' }],
    ['我的会员号是多少', { kind: 'member_number' }],
    ["what's my membership number?", { kind: 'member_number' }],
    ['买500块钱能得多少积分', { kind: 'earn_estimate', amount: 500 }],
    ['how many points will I get for a ¥88.50 order', { kind: 'earn_estimate', amount: 88.5 }],
    ['积分不对', { kind: 'points_wrong' }],
    ['my points balance seems wrong', { kind: 'points_wrong' }],
    ['我的积分没到账', { kind: 'route', intent: 'order_status' }],
    ['200元的订单能用哪张券', { kind: 'route', intent: 'coupons' }],
    ['帮我取消订单', { kind: 'order_change' }],
    ['I want to return an item', { kind: 'order_change' }],
    ['I want a refund', { kind: 'order_change' }],
    ['我想退货', { kind: 'order_change' }],
    ['我要换货', { kind: 'order_change' }],
    ['尺码不合适', { kind: 'order_change' }],
    ['能换个尺码吗', { kind: 'order_change' }],
    ['衣服太小了', { kind: 'order_change' }],
    ["the shoes don't fit", { kind: 'order_change' }],
    ['帮我修改收货人电话', { kind: 'order_change' }],
    ['发票怎么开', { kind: 'order_change' }],
    ['I was charged twice', { kind: 'order_change' }],
    ['付款重复扣款了', { kind: 'order_change' }],
    ['how long does a refund take', { kind: 'order_change' }],
    ['退款到账了吗', { kind: 'refund_status' }],
    ['where is my refund?', { kind: 'refund_status' }],
    ['I returned an item, will my points be taken back?', { kind: 'points_policy', topic: 'refund' }],
    ['上个月我花了多少钱', { kind: 'spend' }],
    ['how many orders have I made', { kind: 'spend' }],
    ['我今年下了几单', { kind: 'spend' }],
    ['我的生日礼券呢', { kind: 'birthday' }],
    ['unsubscribe me from marketing', { kind: 'consent_how', to: 'out' }],
    ['please stop sending me promotions', { kind: 'consent_how', to: 'out' }],
    ['别再给我发广告了', { kind: 'consent_how', to: 'out' }],
    ['别给我发短信了', { kind: 'consent_how', to: 'out' }],
    ['stop texting me', { kind: 'consent_how', to: 'out' }],
    ['我想取消订阅营销消息', { kind: 'consent_how', to: 'out' }],
    ['I want to receive offers again', { kind: 'consent_how', to: 'in' }],
    ['重新订阅优惠信息', { kind: 'consent_how', to: 'in' }],
    ['what is your return policy', { kind: 'order_change' }],
    ['我上次买了什么', { kind: 'last_purchase' }],
    ['我上个月买了什么', { kind: 'route', intent: 'order_status' }],
    ['what did I buy last week?', { kind: 'route', intent: 'order_status' }],
    ['我的生日是哪天', { kind: 'birthday' }],
    ['说中文', { kind: 'language', to: 'zh-CN' }],
    ['how do I link my account?', { kind: 'linked' }],
    ['个人中心', { kind: 'profile_change' }],
    ['my profile', { kind: 'profile_change' }],
    ['怎么绑定会员', { kind: 'linked' }],
    ['I forgot my password', { kind: 'login_help' }],
    ['登录不上去', { kind: 'login_help' }],
    ['can my wife use my points?', { kind: 'points_policy', topic: 'transfer' }],
    ['我的积分够不够换券', { kind: 'route', intent: 'earn_redeem_points' }],
    ['最便宜的券要多少积分', { kind: 'route', intent: 'earn_redeem_points' }],
    ['包裹丢了', { kind: 'route', intent: 'feedback_complaint' }],
    ['missing item in my order', { kind: 'route', intent: 'feedback_complaint' }],
    ['商家发错货了', { kind: 'route', intent: 'feedback_complaint' }],
    ['my package was lost', { kind: 'route', intent: 'feedback_complaint' }],
    ['你们周末上班吗', { kind: 'support_hours' }],
    ['how much is shipping?', { kind: 'shipping' }],
    ['anything on sale?', { kind: 'route', intent: 'coupons' }],
    ['how do I use it?', { kind: 'route', intent: 'coupons' }],
    ['help', { kind: 'confused' }],
    ['menu', { kind: 'confused' }],
    ['你能帮我吗', { kind: 'confused' }],
    ['会员要交钱吗', { kind: 'program' }],
    ["Hi, I'm new here", { kind: 'program' }],
    ['how do I join?', { kind: 'program' }],
    ['what do I get for signing up?', { kind: 'program' }],
    ['can I buy products with points?', { kind: 'points_policy', topic: 'pay' }],
    ["what's the exchange rate of points?", { kind: 'route', intent: 'earn_redeem_points' }],
    ['are points transferable?', { kind: 'points_policy', topic: 'transfer' }],
    ['how do I get the birthday gift?', { kind: 'birthday' }],
    ['is the membership free?', { kind: 'program' }],
    ['我的积分被盗了', { kind: 'route', intent: 'feedback_complaint' }],
    ['someone used my points', { kind: 'route', intent: 'feedback_complaint' }],
    ['这个怎么用', { kind: 'route', intent: 'coupons' }],
    ['is delivery free for silver?', { kind: 'shipping' }],
    ['when will my tier be reviewed?', { kind: 'tier_rule' }],
    ['积分会影响等级吗', { kind: 'tier_rule' }],
    ['升级后多久生效', { kind: 'tier_rule' }],
    ['do my points count toward my tier?', { kind: 'tier_rule' }],
    ['can you speak Chinese?', { kind: 'language', to: 'zh-CN' }],
    ['请用英文回复', { kind: 'language', to: 'en' }],
    ['English please', { kind: 'language', to: 'en' }],
    ['my order arrived damaged', { kind: 'route', intent: 'feedback_complaint' }],
    ['包裹里的杯子碎了', { kind: 'route', intent: 'feedback_complaint' }],
    ['SO26112700022', { kind: 'route', intent: 'order_status' }],
    ["what's the status of SO26112700022?", { kind: 'route', intent: 'order_status' }],
    ['what did I buy last time?', { kind: 'last_purchase' }],
    ['积分能转给别人吗', { kind: 'points_policy', topic: 'transfer' }],
    ['can I transfer my points to a friend?', { kind: 'points_policy', topic: 'transfer' }],
    ['积分能换现金吗', { kind: 'points_policy', topic: 'cash' }],
    ['can I cash out my points', { kind: 'points_policy', topic: 'cash' }],
    ['积分能直接付款吗', { kind: 'points_policy', topic: 'pay' }],
    ['用积分买东西可以吗', { kind: 'points_policy', topic: 'pay' }],
    ['can I pay with points?', { kind: 'points_policy', topic: 'pay' }],
    ['can I use points to pay for an order', { kind: 'points_policy', topic: 'pay' }],
    ['签到有积分吗', { kind: 'points_policy', topic: 'earning' }],
    ['do reviews earn points?', { kind: 'points_policy', topic: 'earning' }],
    ['what do I get on my birthday?', { kind: 'birthday' }],
    ['how much have I spent this year?', { kind: 'spend' }],
    ['我退货了积分会怎样', { kind: 'points_policy', topic: 'refund' }],
    ['退款后积分还给我吗', { kind: 'points_policy', topic: 'refund' }],
    ['do I lose points if I return something?', { kind: 'points_policy', topic: 'refund' }],
    ['what happens to my points if I cancel an order', { kind: 'points_policy', topic: 'refund' }],
    ['会员等级多久评一次', { kind: 'tier_rule' }],
    ['我会被降级吗', { kind: 'tier_rule' }],
    ['how are tiers calculated?', { kind: 'tier_rule' }],
    ['will I be downgraded', { kind: 'tier_rule' }],
    ['what did I just redeem', { kind: 'route', intent: 'coupons' }],
    ['我刚兑换了什么', { kind: 'route', intent: 'coupons' }],
    ["what's the best coupon I can get", { kind: 'route', intent: 'coupons' }],
    ['会员制度是怎样的', { kind: 'program' }],
    ['有什么新人福利', { kind: 'program' }],
    ['how does the loyalty program work', { kind: 'program' }],
    ['is there a welcome gift?', { kind: 'program' }],
    ['change my delivery address to my office', { kind: 'order_change' }],
    ['修改手机号', { kind: 'profile_change' }],
    ['我的生日填错了', { kind: 'profile_change' }],
    ['how do I change my email address?', { kind: 'profile_change' }],
    ['注销会员', { kind: 'account_close' }],
    ['please delete my account', { kind: 'account_close' }],
    ['我的积分什么时候到账', { kind: 'route', intent: 'order_status' }],
    ['when will I get my points?', { kind: 'route', intent: 'order_status' }],
    ['我的积分和等级', { kind: 'topics', topics: ['points', 'tier'] }],
    ["what's my tier and how many points do I have", { kind: 'topics', topics: ['points', 'tier'] }],
    ['points and coupons?', { kind: 'topics', topics: ['points', 'coupons'] }],
    ['我的积分过期了，能恢复吗', { kind: 'points_expired' }],
    ['my points expired, can you restore them', { kind: 'points_expired' }],
    ['包邮吗', { kind: 'shipping' }],
    ['运费多少', { kind: 'shipping' }],
    ['do I get free shipping?', { kind: 'shipping' }],
    ['你们几点上班', { kind: 'support_hours' }],
    ['客服什么时候在', { kind: 'support_hours' }],
    ['when is customer service available?', { kind: 'support_hours' }],
  ])('%s', (text, expected) => {
    expect(ruled(text)).toEqual(expected);
  });

  it.each([
    // Look-alikes from other domains (CLINC150, Bitext, CrossWOZ phrasings): the model's answer stands.
    "what's my spending limit on my discover",
    'how do i use my card reward points for my next flight',
    'let me know when my credit card expire',
    '帮我推荐一个价格在100-200元之间的酒店',
    'i want to fly to atlanta for under 300 from pittsburgh',
    'no, I asked about my order',
    '我有多少积分',
    '生日礼物推荐',
    'transfer money to my savings account',
    '积分怎么赚',
    'stop the music',
    'I speak chinese and english',
    '钻石会员要消费多少',
    '这个商品有中文说明书吗',
    "don't send me the wrong size again",
    'please stop sending the parcel to my old address',
    'How do I deal with a stolen card?',
    'what did I buy for order SO26050100001',
    '我订阅了什么',
    'birthday gift ideas for my wife',
    'how do I get to gold',
    '这家餐厅的营业时间是几点',
    'how does the wifi work',
    '👎',
    '积分快过期了怎么办',
    '积分什么时候过期',
    'how many points do I need for gold and diamond',
    'can I exchange points and coupons',
    'delete this message',
    '😡😡',
    'what is my tier?',
    'tell me about the weather',
    'what are the opening hours of the museum',
    '我的免运费券什么时候过期',
    'when will order SO26050100001 arrive',
    'what are the return policies for points cards',
  ])('leaves "%s" to the model', (text) => {
    expect(ruled(text)).toBeNull();
  });

  it('knows goods that came wrong, short or damaged (filed as complaints) from a wish about the next order', () => {
    for (const text of [
      'I received the wrong item',
      'the size is wrong',
      'missing item in my order',
      '少发了一件',
      '杯子碎了',
      '质量有问题',
      '收到的东西和图片不一样',
    ]) {
      expect(DAMAGED_GOODS.test(text), text).toBe(true);
    }
    for (const text of ["don't send me the wrong size again", 'where is my order', '尺码怎么选'])
      expect(DAMAGED_GOODS.test(text), text).toBe(false);
  });

  it('finds the one coupon a member names by its amounts, and none when it is ambiguous', () => {
    const options = [
      { option: 1, value: 5, minSpend: 0 },
      { option: 2, value: 12, minSpend: 99 },
      { option: 3, value: 40, minSpend: 299 },
      { option: 4, value: 100, minSpend: 999 },
    ];
    expect(WANT_COUPON.test('我想要那个满299减40的券')).toBe(true);
    expect(couponNamed('我想要那个满299减40的券', options)?.option).toBe(3);
    expect(couponNamed("I'd like the ¥12 off ¥99 coupon", options)?.option).toBe(2);
    expect(couponNamed('换一张5元无门槛券', options)?.option).toBe(1);
    expect(couponNamed('满1,000减100的券', options)).toBeUndefined();
    expect(couponNamed('要一张券', options)).toBeUndefined();
    // One number that is one coupon's value (its minimum left unsaid) names it; a minimum alone does not.
    expect(couponNamed('redeem the 40 off one', options)?.option).toBe(3);
    expect(couponNamed('我要减12的那张券', options)?.option).toBe(2);
    expect(couponNamed('满99的券', options)).toBeUndefined();
    expect(couponNamed('the 40 off one', [...options, { option: 5, value: 40, minSpend: 199 }])).toBeUndefined();
    expect(WANT_COUPON.test('满299减40的券还有吗')).toBe(false);
  });

  it('reads which of the products just shown the member means', () => {
    for (const [text, n] of [
      ['第一个', 1],
      ['我要第二个', 2],
      ['第三个多少钱', 3],
      ['第2款怎么买', 2],
      ["I'll take the first one", 1],
      ['how do I buy the second one?', 2],
      ['the 3rd one', 3],
    ] as const)
      expect(productOrdinal(text), text).toBe(n);
    for (const text of ['第一次买', 'the first time I ordered', '第四个', 'first of all, my points'])
      expect(productOrdinal(text), text).toBeUndefined();
  });

  it('takes "my coupon is gone" as a coupon question, never the birthday benefits', () => {
    for (const text of ['我的生日券怎么不见了', '我的券怎么没了', 'my coupon disappeared', 'where are my vouchers?']) {
      const intent = classify(text).intent;
      const r = ruledQuestion(text, intent);
      expect(r === null ? intent : r.kind === 'route' ? r.intent : r.kind, text).toBe('coupons');
    }
  });

  it('reads amounts in yuan however they are written', () => {
    expect(amountIn('¥1,000')).toBe(1000);
    expect(amountIn('2,500.50元')).toBe(2500.5);
    expect(amountIn('500元')).toBe(500);
    expect(amountIn('99.9 yuan')).toBe(99.9);
    expect(amountIn('300块钱')).toBe(300);
    expect(amountIn('order 12345')).toBeUndefined();
  });

  it('reads the coupon a redeem request names, and not a count of other recommendations', () => {
    expect(redeemPick('兑换 1')).toBe(1);
    expect(redeemPick('redeem 2')).toBe(2);
    expect(redeemPick('兑换第3个')).toBe(3);
    expect(redeemPick('兑换500积分的券')).toBe(500);
    expect(redeemPick('换第2个')).toBe(2);
    expect(redeemPick('换 2')).toBe(2);
    expect(redeemPick('换2个')).toBeUndefined();
    expect(redeemPick('换3批看看')).toBeUndefined();
    expect(redeemPick('换一批')).toBeUndefined();
    for (const t of ['换2个', '换一批', '还有吗', '还有别的吗', 'show me more']) expect(MORE_RECS.test(t), t).toBe(true);
  });
});
