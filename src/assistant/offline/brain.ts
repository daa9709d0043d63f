// The offline brain: a deterministic bilingual router over the same tools the language model uses.
import { formatMoney, formatPoints } from '../../lib/money.js';
import { countOf, render, type TemplateKey } from '../templates.js';
import { tools } from '../tools/index.js';
import type { Brain, BrainReply, OutboundReply, Suggestion, TurnCtx } from '../types.js';
import { classify, type Intent } from './nlu/index.js';
import { sentimentOf } from '../../domain/feedback/categorize.js';
import { handoffReply, peekHandoffOutcome } from '../handoff.js';
import { parsePriceBand } from './price-band.js';
import { pointsForAmount } from '../../domain/loyalty/index.js';
import { categoryIn } from './category.js';
import { redeemOfferKey } from '../../state/keys.js';
import { estimateTokens } from '../memory.js';

const money = (yuan: number) => formatMoney(Math.round(yuan * 100));

/** Redeem requests that name an option: "兑换 1", "redeem 2", "兑换500积分的券". */
const REDEEM_PICK = /(?:兑换|换|redeem|exchange)\s*(?:第|no\.?|number|option|#)?\s*(\d{1,6})/i;
/**
 * A bare pick right after the options were listed: "2", "第2个", "选三", "option 2", "#2". Only while the list
 * the member is looking at is fresh (REDEEM_OFFER_TTL_SECONDS); any other time a lone number means nothing.
 */
const BARE_PICK =
  /^\s*(?:我要|我选|选|要|第|option|number|no\.?|#)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:个|号|张|种)?\s*[.!。！]*\s*$/i;
const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const REDEEM_OFFER_TTL_SECONDS = 600;
/** "No thanks", "不了", "ok": a member closing a topic with nothing pending gets a short acknowledgement. */
const ACK =
  /^\s*(?:不了|不用了|不用|不需要|暂时不用|没有了|没了|没有|没事了|没事|好的|好|嗯+|行|知道了|明白了|了解|no|no thanks?|nope|nothing|nothing else|that'?s all|that'?s it|ok|okay|got it|alright|all right|fine|cool|great)(?:[\s,，]*(?:谢谢|thanks?|thank you))?[\s!.。！~]*$/i;
/** Questions about when points run out, answered with the expiry days first. */
const EXPIRY = /过期|到期|失效|有效期|expir|run out/i;
/** Intents the NLU falls back to that a price band or a category name in the text outranks: "100元以内的零食". */
const WEAK_INTENTS = new Set<Intent>(['out_of_scope', 'greeting_chitchat']);
const SHORT_MESSAGE_TOKENS = 3;
/** "我的积分没到账", "didn't get points for my order": points of orders, answered per order. */
const ORDER_POINTS =
  /(?:没|未|没有)(?:收到|到账|拿到|获得|给|加|发).{0,4}积分|积分.{0,6}(?:没|未|没有)(?:到账|收到|给|加|发)|(?:didn'?t|did not|never|haven'?t|have not|not)\s+(?:get|got|receive|received|see|seen|earn|earned)\s+(?:my |any |the )?points|missing points|points?\s+(?:are |is )?missing|no points for|points for (?:my |this |that |the )?(?:last |latest |recent )?order/i;
/** "上个月我花了多少钱", "how much have I spent": the spend summary (tier window, this and last month). */
const SPEND =
  /花了多少|花了几|消费了多少|消费多少|消费额|消费金额|消费记录|花费|how much (?:did|have|had) i (?:spend|spent)|how much i(?:'ve| have)? spent|(?:my |total )spend\b(?! limit)/i;
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
  /取消(?:这个|我的|一个|该)?订单|退货|退款|换货|退换|(?:改|修改|更改|换)(?:一下)?(?:收货|配送)?地址|开(?:个|张)?发票|cancel (?:my |the |an |this |that )?order|return (?:an? |my |the |this )?(?:item|order|product|purchase)|\brefund|change (?:my |the )?(?:delivery |shipping )?address|\binvoice/i;
/** An amount of money in the text: "¥500", "500元", "500 yuan", "500块". */
const AMOUNT = /[¥￥]\s*(\d{1,7}(?:\.\d{1,2})?)|(\d{1,7}(?:\.\d{1,2})?)\s*(?:元|块钱?|块|rmb|yuan|cny)/i;
/** "买500块钱能得多少积分", "how many points will I get for a 500 yuan order". */
const EARN_QUESTION =
  /(?:得|获得|赚|给|返|送)\S{0,4}(?:多少|几)\s*(?:个)?积分|多少积分|几个积分|how many points|points (?:will|would|do|does|can) (?:i|it|that|this)/i;
const COUPON_WORDS = /券|coupon|voucher/i;
/** "积分不对", "my points balance seems wrong": the history that explains a balance, and a person to check it. */
const POINTS_WRONG =
  /积分(?:好像|似乎)?(?:不对|有误|错了|少了|不见了|对不上|不准)|(?:points?|balance)(?: balance)? (?:is |are |seems |looks )?(?:wrong|incorrect|off|missing)|wrong (?:points|balance)/i;
const amountIn = (text: string): number | undefined => {
  const m = AMOUNT.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
};
/** "我的会员号是多少", "what's my member number". */
const MEMBER_NUMBER = /会员号|会员卡号|会员编号|会员\s*id|member(?:ship)?\s+(?:number|no\.?|id|card number)|loyalty (?:number|id)/i;
const MENTIONS_POINTS = /积分|\bpoints?\b/i;
const ORDER_ID = /\b([A-Za-z]{0,4}\d[\w-]{5,40})\b/;
const TIER_WORDS: [RegExp, string][] = [
  [/钻石|diamond/i, 'diamond'],
  [/金卡|gold/i, 'gold'],
  [/银卡|silver/i, 'silver'],
  [/普通会员|普卡|regular/i, 'regular'],
];
const NEGATIVE =
  /投诉|太差|很差|差劲|失望|生气|垃圾|骗|退钱|不满|糟糕|complain|complaint|terrible|awful|worst|angry|disappoint|unacceptable|bad service|rude|scam|horrible|poor/i;
const THANKS = /谢|thank|thx|appreciate/i;
const BYE = /再见|拜拜|bye|goodbye|see you/i;
const HELLO = /你好|您好|嗨|哈喽|早上好|晚上好|^(hi|hello|hey|good (morning|afternoon|evening))\b/i;

function suggestions(ctx: TurnCtx, keys: TemplateKey[]): Suggestion[] {
  return keys.map((k) => {
    const title = render(ctx.lang, k);
    return { title, value: title };
  });
}

const MENU: TemplateKey[] = ['suggest_points', 'suggest_tier', 'suggest_coupons', 'suggest_orders'];

export class OfflineBrain implements Brain {
  readonly name = 'offline';

  async respond(ctx: TurnCtx, text: string): Promise<BrainReply> {
    const pick = REDEEM_PICK.exec(text);
    if (pick) return this.redeem(ctx, Number(pick[1]));
    const bare = BARE_PICK.exec(text);
    if (bare && (await ctx.state.get(redeemOfferKey(ctx.conversationId)))) {
      return this.redeem(ctx, CN_DIGITS[bare[1]] ?? Number(bare[1]));
    }
    if (ACK.test(text)) return { replies: [{ text: render(ctx.lang, 'chitchat_ack') }], intent: 'greeting_chitchat' };
    const classified = classify(text);
    let { intent } = classified;
    if (MEMBER_NUMBER.test(text) && !ORDER_ID.test(text)) {
      const tier = await tools.get_tier_status.run({ ctx, input: {} });
      return {
        replies: [
          {
            text: render(ctx.lang, 'member_number', { id: ctx.member.id, tier: tier.tier.name }),
            suggestions: suggestions(ctx, ['suggest_points', 'suggest_tier']),
          },
        ],
        intent: 'member_number',
      };
    }
    const amount = amountIn(text);
    if (amount !== undefined && EARN_QUESTION.test(text))
      return { replies: [await this.earnEstimate(ctx, amount)], intent: 'earn_redeem_points' };
    if (POINTS_WRONG.test(text)) {
      const [history] = await this.answer(ctx, 'points_history', text);
      const reply = {
        text: `${history.text}\n\n${render(ctx.lang, 'order_points_rule')}`,
        suggestions: suggestions(ctx, ['suggest_human']),
      };
      return { replies: [reply], intent: 'points_history' };
    }
    if (COUPON_WORDS.test(text) && intent === 'order_status' && !ORDER_ID.test(text)) intent = 'coupons';
    if (ORDER_POINTS.test(text)) intent = 'order_status';
    else if (ORDER_CHANGE.test(text) && (intent === 'out_of_scope' || intent === 'order_status')) {
      return {
        replies: [{ text: render(ctx.lang, 'order_change_human'), suggestions: suggestions(ctx, ['suggest_human', 'suggest_orders']) }],
        intent: 'order_change',
      };
    } else if (SPEND.test(text) && SPEND_OVERRIDES.has(intent)) {
      return { replies: [await this.spendSummary(ctx)], intent: 'spend_summary' };
    }
    if (WEAK_INTENTS.has(intent) && !THANKS.test(text) && !HELLO.test(text) && !BYE.test(text)) {
      // A catalog category with a price band ("100元以内的零食", "snacks under 50"), or a category as the whole
      // message ("零食"), is a shopping request. A price alone is not: hotels and flights have prices too.
      const band = parsePriceBand(text);
      const priced = band.minPrice !== undefined || band.maxPrice !== undefined;
      if ((priced || estimateTokens(text) <= SHORT_MESSAGE_TOKENS) && (await categoryIn(ctx, text))) intent = 'recommend_products';
    }
    const replies = await this.answer(ctx, intent, text);
    return { replies, intent, confidence: intent === classified.intent ? classified.confidence : undefined };
  }

  private async answer(ctx: TurnCtx, intent: Intent, text: string): Promise<OutboundReply[]> {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    switch (intent) {
      case 'points_balance':
        if (EXPIRY.test(text)) return this.answer(ctx, 'points_history', text);
        return [{ text: await this.balanceText(ctx), suggestions: suggestions(ctx, ['suggest_coupons', 'suggest_tier']) }];
      case 'points_history': {
        const h = await tools.get_points_history.run({ ctx, input: { limit: 5 } });
        if (EXPIRY.test(text)) {
          const b = await tools.get_points_balance.run({ ctx, input: {} });
          const balance = r('points_balance', { balance: formatPoints(b.balance) });
          return [
            { text: `${this.expiryText(ctx, h.upcomingExpiries)}\n\n${balance}`, suggestions: suggestions(ctx, ['suggest_coupons']) },
          ];
        }
        const lines = h.entries.map((e) =>
          r('points_history_line', {
            date: e.date,
            signed_points: e.points > 0 ? `+${formatPoints(e.points)}` : formatPoints(e.points),
            label: r(`ledger_${e.kind}` as TemplateKey, { ref: e.source }),
          }),
        );
        const head = lines.length ? [r('points_history_header'), ...lines].join('\n') : r('points_history_empty');
        return [{ text: `${head}\n\n${await this.balanceText(ctx)}` }];
      }
      case 'earn_redeem_points': {
        const [tier, coupons, balance] = await Promise.all([
          tools.get_tier_status.run({ ctx, input: {} }),
          tools.list_coupons.run({ ctx, input: {} }),
          tools.get_points_balance.run({ ctx, input: {} }),
        ]);
        const parts = [r('earn_rules', { tier: tier.tier.name, multiplier: tier.tier.multiplier, months: ctx.domain.rules.expiryMonths })];
        if (coupons.redeemable.length) {
          await ctx.state.set(redeemOfferKey(ctx.conversationId), '1', { ttlSeconds: REDEEM_OFFER_TTL_SECONDS });
          parts.push(
            [
              r('redeem_options_header', { balance: formatPoints(balance.balance) }),
              ...coupons.redeemable.map((c) =>
                r('redeem_option_line', { index: c.option, name: c.name, cost: formatPoints(c.pointsCost) }),
              ),
              r('redeem_how'),
            ].join('\n'),
          );
        } else parts.push(r('redeem_none_available'));
        // A button per coupon the balance covers; its value is the "redeem N" the member would type.
        const buttons = coupons.redeemable
          .filter((c) => c.pointsCost <= balance.balance)
          .map((c) => {
            const title = r('redeem_option_button', { index: c.option });
            return { title, value: title };
          });
        return [{ text: parts.join('\n\n'), ...(buttons.length ? { suggestions: buttons } : {}) }];
      }
      case 'tier_benefits': {
        const compared = TIER_WORDS.filter(([re]) => re.test(text)).map(([, code]) => code);
        if (compared.length >= 2) return [await this.compareTiers(ctx, compared)];
        const named = compared[0];
        const [b, s] = await Promise.all([
          tools.get_tier_benefits.run({ ctx, input: { tierCode: named } }),
          tools.get_tier_status.run({ ctx, input: {} }),
        ]);
        const parts: string[] = [];
        if (b.isMemberTier)
          parts.push(r('tier_current', { tier: s.tier.name, multiplier: s.tier.multiplier, spend: money(s.rollingSpend) }));
        parts.push(
          [r('tier_benefits_header', { tier: b.tier.name }), ...b.tier.benefits.map((x) => r('tier_benefit_line', { benefit: x }))].join(
            '\n',
          ),
        );
        if (b.isMemberTier) parts.push(this.gapText(ctx, s));
        return [{ text: parts.join('\n\n'), suggestions: suggestions(ctx, ['suggest_points', 'suggest_coupons']) }];
      }
      case 'next_tier': {
        const s = await tools.get_tier_status.run({ ctx, input: {} });
        const parts = [
          r('tier_current', { tier: s.tier.name, multiplier: s.tier.multiplier, spend: money(s.rollingSpend) }),
          this.gapText(ctx, s),
        ];
        // "怎么升级到金卡" from Regular: the gap to the tier they named too, not only to the next one.
        const named = TIER_WORDS.find(([re]) => re.test(text))?.[1];
        if (named && named !== s.nextTier?.code && named !== s.tier.code) {
          const { tiers } = await tools.get_tier_benefits.run({ ctx, input: {} });
          const target = tiers.find((x) => x.code === named);
          const gapCents = target ? Math.round(target.threshold * 100) - Math.round(s.rollingSpend * 100) : 0;
          if (target && gapCents > 0) parts.push(r('next_tier_gap', { gap: formatMoney(gapCents), next: target.name }));
        }
        if (s.keep) {
          parts.push(
            s.keep.spendNeeded > 0
              ? r('keep_tier_needed', { tier: s.tier.name, date: s.keep.by, amount: money(s.keep.spendNeeded) })
              : r('keep_tier_safe', { tier: s.tier.name, date: s.keep.by }),
          );
        }
        return [{ text: parts.join('\n') }];
      }
      case 'coupons': {
        const c = await tools.list_coupons.run({ ctx, input: {} });
        const amount = amountIn(text);
        if (amount !== undefined && c.coupons.length) {
          // "200元的订单能用哪张券": the held coupons whose minimum spend the amount reaches.
          const usable = c.coupons.filter((x) => x.minSpend <= amount);
          const lines = usable.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn }));
          return [
            {
              text: usable.length
                ? [r('coupons_for_amount', { amount: money(amount), count: usable.length }), ...lines].join('\n')
                : r('coupons_none_for_amount', { amount: money(amount) }),
            },
          ];
        }
        const head = c.coupons.length
          ? [
              r('coupons_header', { count: c.coupons.length }),
              ...c.coupons.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn })),
            ].join('\n')
          : r('coupons_none');
        return [{ text: c.redeemable.length ? `${head}\n\n${r('coupons_redeem_hint')}` : head }];
      }
      case 'order_status': {
        const orderId = ORDER_ID.exec(text)?.[1];
        const o = await tools.get_order_status.run({ ctx, input: { orderId } });
        if (!o.orders.length) return [{ text: orderId ? r('order_not_found', { id: orderId }) : r('orders_none') }];
        if (ORDER_POINTS.test(text) || (orderId && MENTIONS_POINTS.test(text))) return [this.orderPoints(ctx, o.orders)];
        const lines = o.orders.flatMap((x) => {
          const line = r('order_line', {
            id: x.id,
            date: x.orderedOn,
            total: money(x.total),
            items: countOf(ctx.lang, x.items, 'item'),
            status: r(`order_status_${x.status}` as TemplateKey),
          });
          return x.trackingNo && x.carrier ? [line, r('order_tracking', { carrier: x.carrier, tracking: x.trackingNo })] : [line];
        });
        return [{ text: [r('orders_header'), ...lines].join('\n') }];
      }
      case 'recommend_products': {
        const category = await categoryIn(ctx, text);
        const p = await tools.recommend_products.run({
          ctx,
          input: { limit: 3, ...parsePriceBand(text), ...(category ? { category } : {}) },
        });
        if (!p.products.length) return [{ text: r(p.filtered ? 'recommend_none_filtered' : 'recommend_none') }];
        const lines = p.products.map((x) =>
          r('recommend_line', {
            name: x.name,
            price: money(x.price),
            points_note: x.pointsCanPay ? r('recommend_points_note') : '',
            reason: x.reason,
          }),
        );
        return [{ text: [r('recommend_header'), ...lines].join('\n') }];
      }
      case 'feedback_complaint': {
        const negative = NEGATIVE.test(text);
        // A complaint opens a ticket; an upset member (negative words) is put through to a person when the team is in.
        await tools.submit_feedback.run({
          ctx,
          input: negative ? { kind: 'complaint', text, sentiment: 'negative' } : { kind: 'text', text, sentiment: sentimentOf(text) },
        });
        const handoff = peekHandoffOutcome(ctx);
        if (handoff) return [{ text: r('complaint_recorded') }, handoffReply(ctx, handoff)];
        return [{ text: negative ? r('complaint_received') : r('feedback_thanks') }];
      }
      case 'human_agent': {
        await tools.request_human.run({ ctx, input: {} });
        const handoff = peekHandoffOutcome(ctx);
        return [handoff ? handoffReply(ctx, handoff) : { text: r('human_requested') }];
      }
      case 'greeting_chitchat': {
        if (THANKS.test(text)) return [{ text: r('chitchat_thanks') }];
        if (BYE.test(text)) return [{ text: r('chitchat_bye') }];
        if (HELLO.test(text)) return [{ text: r('chitchat_hello', { name: ctx.member.name }), suggestions: suggestions(ctx, MENU) }];
        return [{ text: r('chitchat_other'), suggestions: suggestions(ctx, MENU) }];
      }
      default:
        return [{ text: r('out_of_scope'), suggestions: suggestions(ctx, MENU) }];
    }
  }

  private async balanceText(ctx: TurnCtx): Promise<string> {
    const b = await tools.get_points_balance.run({ ctx, input: {} });
    const parts = [render(ctx.lang, 'points_balance', { balance: formatPoints(b.balance) })];
    if (b.expiringSoon.points > 0) {
      parts.push(render(ctx.lang, 'points_expiring', { points: formatPoints(b.expiringSoon.points), date: b.expiringSoon.before }));
    } else if (b.balance > 0) {
      parts.push(render(ctx.lang, 'points_none_expiring', { days: b.expiringSoon.days }));
      if (b.nextExpiry)
        parts.push(render(ctx.lang, 'points_next_expiry', { points: formatPoints(b.nextExpiry.points), date: b.nextExpiry.on }));
    }
    return parts.join(ctx.lang === 'zh-CN' ? '' : ' ');
  }

  /** "金卡和钻石有什么区别": each named tier's threshold, multiplier and benefits, lowest first. */
  private async compareTiers(ctx: TurnCtx, codes: string[]): Promise<OutboundReply> {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    const blocks = await Promise.all(codes.map((tierCode) => tools.get_tier_benefits.run({ ctx, input: { tierCode } })));
    const { tiers } = blocks[0];
    const order = (code: string) => tiers.findIndex((x) => x.code === code);
    const text = blocks
      .sort((a, b) => order(a.tier.code) - order(b.tier.code))
      .map((b) => {
        const t = tiers.find((x) => x.code === b.tier.code);
        return [
          r('tier_compare_header', { tier: b.tier.name, threshold: money(t?.threshold ?? 0), multiplier: b.tier.multiplier }),
          ...b.tier.benefits.map((x) => r('tier_benefit_line', { benefit: x })),
        ].join('\n');
      })
      .join('\n\n');
    return { text, suggestions: suggestions(ctx, ['suggest_tier']) };
  }

  /** "how many points for a ¥500 order": the earning rule applied to the amount at the member's tier now. */
  private async earnEstimate(ctx: TurnCtx, amount: number): Promise<OutboundReply> {
    const s = await tools.get_tier_status.run({ ctx, input: {} });
    const points = pointsForAmount(Math.round(amount * 100), Math.round(s.tier.multiplier * 100));
    return {
      text: render(ctx.lang, 'earn_estimate', {
        amount: money(amount),
        points: formatPoints(points),
        tier: s.tier.name,
        multiplier: s.tier.multiplier,
      }),
      suggestions: suggestions(ctx, ['suggest_points', 'suggest_tier']),
    };
  }

  /** Spend in the tier window and in this and last month, from the member's paid orders, then the next tier. */
  private async spendSummary(ctx: TurnCtx): Promise<OutboundReply> {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    const [s, tier] = await Promise.all([tools.get_spend_summary.run({ ctx, input: {} }), tools.get_tier_status.run({ ctx, input: {} })]);
    const month = (m: { month: string; spend: number; orders: number }) =>
      r('spend_month', { month: m.month, spend: money(m.spend), orders: countOf(ctx.lang, m.orders, 'order') });
    const text = [
      r('spend_window', { months: s.window.months, spend: money(s.window.spend), orders: countOf(ctx.lang, s.window.orders, 'order') }),
      '',
      r('spend_months_header'),
      month(s.thisMonth),
      month(s.lastMonth),
      '',
      this.gapText(ctx, tier),
    ].join('\n');
    return { text, suggestions: suggestions(ctx, ['suggest_tier', 'suggest_orders']) };
  }

  /** What each order earned, from its row: earned, not paid yet, taken back on a refund, or nothing recorded. */
  private orderPoints(ctx: TurnCtx, orders: Awaited<ReturnType<typeof tools.get_order_status.run>>['orders']): OutboundReply {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    let missing = false;
    const lines = orders.map((x) => {
      const vars = { id: x.id, date: x.orderedOn, total: money(x.total), status: r(`order_status_${x.status}` as TemplateKey) };
      if (x.status === 'pending') return r('order_points_unpaid', vars);
      if (x.status === 'refunded' || x.status === 'cancelled') {
        return x.pointsEarned > 0
          ? r('order_points_reversed', { ...vars, points: formatPoints(x.pointsEarned) })
          : r('order_points_none', vars);
      }
      if (x.pointsEarned > 0) return r('order_points_earned', { ...vars, points: formatPoints(x.pointsEarned) });
      missing = true;
      return r('order_points_missing', vars);
    });
    return {
      text: [r('order_points_header'), ...lines, '', r('order_points_rule')].join('\n'),
      suggestions: suggestions(ctx, missing ? ['suggest_points', 'suggest_human'] : ['suggest_points']),
    };
  }

  private expiryText(ctx: TurnCtx, upcoming: { on: string; points: number }[]): string {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    const rule = r('points_expiry_rule', { months: ctx.domain.rules.expiryMonths });
    if (!upcoming.length) return `${r('points_expiry_none')} ${rule}`;
    const lines = upcoming.map((u) => r('points_expiry_line', { date: u.on, points: formatPoints(u.points) }));
    return [r('points_expiry_header'), ...lines, '', rule].join('\n');
  }

  private gapText(ctx: TurnCtx, s: Awaited<ReturnType<typeof tools.get_tier_status.run>>): string {
    return s.nextTier
      ? render(ctx.lang, 'next_tier_gap', { gap: money(s.nextTier.spendNeeded), next: s.nextTier.name })
      : render(ctx.lang, 'next_tier_top');
  }

  /** "redeem N": N is an option number from the list, or a points cost. */
  private async redeem(ctx: TurnCtx, n: number): Promise<BrainReply> {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    const c = await tools.list_coupons.run({ ctx, input: {} });
    const choice = c.redeemable.find((x) => x.option === n) ?? c.redeemable.find((x) => x.pointsCost === n);
    if (!choice) {
      const replies = await this.answer(ctx, 'earn_redeem_points', '');
      return { replies, intent: 'earn_redeem_points' };
    }
    const res = await tools.redeem_points.run({ ctx, input: { couponId: choice.couponId } });
    if (res.status === 'insufficient_points') {
      return {
        replies: [
          { text: r('redeem_insufficient', { name: res.name, cost: formatPoints(res.pointsCost), balance: formatPoints(res.balance) }) },
        ],
        intent: 'earn_redeem_points',
      };
    }
    if (res.status !== 'confirmation_required') return { replies: [{ text: r('redeem_none_available') }], intent: 'earn_redeem_points' };
    return {
      replies: [
        {
          text: r('redeem_confirm', {
            cost: formatPoints(res.pointsCost),
            name: res.name,
            balance: formatPoints(res.balance),
            after: formatPoints(res.balanceAfter),
          }),
          suggestions: suggestions(ctx, ['suggest_yes', 'suggest_no']),
        },
      ],
      intent: 'earn_redeem_points',
    };
  }
}
