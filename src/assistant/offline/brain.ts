// The offline brain: a deterministic bilingual router over the same tools the language model uses.
import { formatMoney, formatPoints } from '../../lib/money.js';
import { countOf, render, type TemplateKey } from '../templates.js';
import { tools } from '../tools/index.js';
import type { Brain, BrainReply, OutboundReply, TurnCtx } from '../types.js';
import { classify, type Intent } from './nlu/index.js';
import { sentimentOf } from '../../domain/feedback/categorize.js';
import { handoffReply, peekHandoffOutcome } from '../handoff.js';
import { parsePriceBand } from './price-band.js';
import { categoryIn } from './category.js';
import { recsOfferKey, redeemOfferKey } from '../../state/keys.js';
import { EXPIRED_COUPON_DAYS } from '../../domain/loyalty/index.js';
import { requestDescription, takeDescriptionAsked } from '../confirmations.js';
import { estimateTokens } from '../memory.js';
import { birthdayAnswer, compareTiersAnswer, earnEstimateAnswer, programAnswer, shippingAnswer } from './policy-answers.js';
import { money, pointsNote, say, suggestions, windowMonths } from './say.js';
import {
  amountIn,
  BARE_COMPLAINT,
  isRuledQuestion,
  COUPON_GONE,
  DAMAGED_GOODS,
  POINTS_MISUSE,
  couponNamed,
  productOrdinal,
  NEWCOMER,
  WANT_COUPON,
  BARE_PICK,
  CHEAPER_RECS,
  CN_DIGITS,
  EXPIRY,
  LAST_ORDER,
  MENTIONS_POINTS,
  MORE_RECS,
  ORDER_ID,
  ORDER_POINTS,
  redeemPick,
  ruledQuestion,
  SHORT_MESSAGE_TOKENS,
  TIER_WORDS,
  WEAK_INTENTS,
} from './rules.js';

const NEGATIVE =
  /投诉|太差|很差|差劲|失望|生气|垃圾|骗|退钱|不满|糟糕|complain|complaint|terrible|awful|worst|angry|disappoint|unacceptable|bad service|rude|scam|horrible|poor/i;
/** Feedback that is a complaint (filed as one, with a ticket for a person): angry words, or goods that came damaged. */
const isComplaint = (text: string) => NEGATIVE.test(text) || DAMAGED_GOODS.test(text) || POINTS_MISUSE.test(text);
const THANKS = /谢|thank|thx|appreciate/i;
const BYE = /再见|拜拜|bye|goodbye|see you/i;
const HELLO = /你好|您好|嗨|哈喽|早上好|晚上好|在吗|在么|在不在|^(hi|hello|hey|good (morning|afternoon|evening))\b/i;

/** What list_coupons returns. */
type CouponList = Awaited<ReturnType<typeof tools.list_coupons.run>>;
/** The orders get_order_status returns, latest first. */
type OrderRows = Awaited<ReturnType<typeof tools.get_order_status.run>>['orders'];

interface RecsFilter {
  minPrice?: number;
  maxPrice?: number;
  category?: string;
}
/** What the last recommendation answer showed, kept for "换一批", "便宜一点的" and "第一个". */
interface RecsShown {
  filter: RecsFilter;
  ids: string[];
  /** The ids of the latest answer, in the order shown ("the first one" is page[0]). */
  page?: string[];
  /** The lowest price shown, yuan. */
  cheapest: number;
  /** The product the member last asked about by its place ("第二个"), for "怎么买" / "how do I buy it". */
  picked?: string;
}
/** The remembered list, or null when there is none or it is not one we wrote (then the message is taken afresh). */
function parseShown(raw: string | null): RecsShown | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as RecsShown;
    return Array.isArray(v?.ids) && typeof v.cheapest === 'number' && typeof v.filter === 'object' ? v : null;
  } catch {
    return null;
  }
}
/** "优惠券怎么用", "how do I use my coupon": the coupons held, and how one is used at checkout. */
const COUPON_HOW = /怎么用|怎样用|如何用|如何使用|怎么使用|在哪(?:里)?用|how (?:do|can|should) i use|how to use|where (?:do|can) i use/i;
/** "有没有300以内的" is a follow-up; a long message with a price in it is a question of its own. */
const BAND_FOLLOW_UP_TOKENS = 12;
/** About the product just asked about, with nothing named: how to buy it, its price, whether it is in stock. */
const ABOUT_PICKED =
  /^\s*(?:那|这个|它)?(?:怎么买|在哪(?:里|儿)?买|如何购买|怎么购买|怎么下单|去哪(?:里|儿)?买|多少钱|什么价格?|价格(?:多少|是多少)?|(?:还)?有货吗|有库存吗|how (?:do|can) i (?:buy|order|get) (?:it|this|that|one)|where (?:do|can) i (?:buy|get|order) (?:it|this|that|one)|how to (?:buy|order)(?: it)?|how much (?:is it|is that|does it cost)|what(?:'s| is) the price|is it (?:still )?(?:in stock|available))[\s?？!.。呢]*$/i;
/** An amount that is an order's ("200元的订单", "a ¥150 order", "if I spend 300"), not a coupon's value. */
const ORDER_AMOUNT =
  /订单|单子|买|消费|花|满|(?:能|可|可以)用(?:哪|什么|几)|order|spend|purchase|basket|cart|checkout|which (?:coupons?|vouchers?) (?:can|could|do) i use/i;
/** Asking what the shop has: with a catalog category in it, a shopping request. */
const SHOPPING_ASK = /有什么|有啥|有没有|来点|想买|\bany\b|\bdo you (?:have|sell|stock)\b|\bwhat .{0,12}\b(?:have|sell|got)\b/i;
/** Places, not products: "附近有什么好吃的餐馆" asks about the world, not the shop. */
const ELSEWHERE = /餐馆|餐厅|饭店|饭馆|酒店|景点|附近|外卖|\brestaurants?\b|\bhotels?\b|\bnearby\b|\bnear me\b|\bcafes?\b/i;
/** A coupon that did not work at checkout ("券用不了", "my discount didn't apply"): how coupons apply, then a person. */
const COUPON_PROBLEM =
  /券.{0,6}(?:用不了|不能用|无法使用|用不上|没(?:有)?抵扣|没(?:有)?减|不生效|失败)|(?:coupons?|vouchers?|discounts?|promo codes?|codes?) (?:didn'?t|did not|doesn'?t|does not|won'?t|will not|isn'?t|is not|wasn'?t|was not|can'?t|cannot) (?:apply|work|go through|be applied|be used|accepted|valid)|(?:can'?t|cannot|couldn'?t) (?:use|apply) (?:my )?(?:coupons?|vouchers?|discounts?)/i;
/**
 * "积分兑换" / "redeem my points" asks what the points buy, so the answer is the options alone; the earn rule
 * comes first only when the member asks how points are earned (or both, or neither is clear).
 */
const REDEEM_ASK =
  /兑换|换|抵|花|券.{0,10}积分|积分.{0,10}券|积分.{0,6}(?:多少钱|值|等于)|积分商城|礼品|礼物|catalog|gifts?|有什么用|有啥用|干嘛|干什么|做什么|能买|\d\s*off\b|points.{0,30}coupon|coupon.{0,30}points|exchange rate|redeem|spend|trade|exchange|cash (?:in|out)|use (?:my )?points|get with|buy with|do with|worth|enough points|coupon cost|points (?:is|for|does) (?:a |the )?coupon/i;
const EARN_ASK = /赚|攒|获得|得到|积累|怎么(?:才能)?(?:多)?(?:得|拿|积)|earn|collect|accumulat|gain|get (?:more )?points/i;
const RECS_PER_ANSWER = 3;
/** "全部积分明细": as many entries as the history tool gives at once. */
const HISTORY_ALL =
  /(?:全部|所有|完整|更多|全部的)(?:的)?(?:积分)?(?:明细|记录|变动|流水)|(?:积分)?(?:明细|记录)(?:全部|都)|\b(?:full|all|complete|whole|entire|more|older)\b (?:of )?(?:my )?(?:points? )?(?:history|activity|transactions)\b|\bshow (?:me )?more\b.{0,20}\bhistory\b/i;
const HISTORY_ALL_LIMIT = 20;
/** The tool's largest list: after three pages there is nothing new to show. */
const RECS_MAX = 9;
/** How long a list the member was shown (coupon options, recommendations) answers a bare follow-up. */
const FOLLOW_UP_TTL_SECONDS = 600;

const MENU: TemplateKey[] = ['suggest_points', 'suggest_tier', 'suggest_coupons', 'suggest_orders'];

export class OfflineBrain implements Brain {
  readonly name = 'offline';

  async respond(ctx: TurnCtx, text: string): Promise<BrainReply> {
    const pick = redeemPick(text);
    if (pick !== undefined) return this.redeem(ctx, pick);
    if (WANT_COUPON.test(text) && /\d/.test(text)) {
      // "我想要那个满299减40的券": the redeemable coupon whose amounts the member named, confirmed like any other.
      const listed = await tools.list_coupons.run({ ctx, input: {} });
      const named = couponNamed(text, listed.redeemable);
      if (named) return this.redeem(ctx, named.option, listed);
    }
    // The recommendations just shown, read at most once a turn by whichever follow-up below needs them.
    let listRead: Promise<RecsShown | null> | undefined;
    const lastList = () => (listRead ??= ctx.state.get(recsOfferKey(ctx.conversationId)).then(parseShown));
    const bare = BARE_PICK.exec(text);
    if (bare && (await ctx.state.get(redeemOfferKey(ctx.conversationId)))) {
      return this.redeem(ctx, CN_DIGITS[bare[1]] ?? Number(bare[1]));
    }
    if (MORE_RECS.test(text) || CHEAPER_RECS.test(text)) {
      const shown = await lastList();
      if (shown) {
        const replies = MORE_RECS.test(text)
          ? await this.recommend(ctx, shown.filter, shown.ids)
          : // Cheaper than the cheapest just shown, same category; a fresh list.
            await this.recommend(ctx, { category: shown.filter.category, maxPrice: Math.max(0, shown.cheapest - 0.01) }, []);
        return { replies, intent: 'recommend_products' };
      }
      // "便宜点的" once the list has gone (10 minutes) is still shopping: recommendations afresh, not "I can't help".
      if (CHEAPER_RECS.test(text)) return { replies: await this.recommend(ctx, {}, []), intent: 'recommend_products' };
    }
    // Right after recommendations, a price band alone ("有没有300以内的", "anything under 50?") narrows them.
    const band = parsePriceBand(text);
    const priced = band.minPrice !== undefined || band.maxPrice !== undefined;
    if (priced && estimateTokens(text) <= BAND_FOLLOW_UP_TOKENS && !ELSEWHERE.test(text)) {
      const shown = await lastList();
      if (shown)
        return { replies: await this.recommend(ctx, { category: shown.filter.category, ...band }, []), intent: 'recommend_products' };
    }
    if (ABOUT_PICKED.test(text)) {
      const shown = await lastList();
      if (shown?.picked) return { replies: [await this.productDetail(ctx, shown.picked)], intent: 'recommend_products' };
    }
    // Asked for in the previous turn; the pipeline's confirmation read of the same slot found it (no I/O here).
    const asked = takeDescriptionAsked(ctx);
    let classified: ReturnType<typeof classify> | undefined;
    if (asked) {
      // The member was asked what happened: this message is the complaint, unless they dropped it ("算了") or
      // asked something the text rules answer instead.
      classified = classify(text);
      const ruled = ruledQuestion(text, classified.intent);
      if (ruled?.kind === 'ack') return { replies: [{ text: render(ctx.lang, 'chitchat_ack') }], intent: 'greeting_chitchat' };
      // Only a question the text rules answer outright goes past: "the milk in my order leaked" reads like an
      // order question to the model, but after "what happened?" it is the complaint.
      if (!isRuledQuestion(ruled, { routes: false }) && !BARE_COMPLAINT.test(text)) {
        const complaint = asked === 'complaint' || isComplaint(text);
        return { replies: await this.fileComplaint(ctx, text, complaint), intent: 'feedback_complaint' };
      }
    }
    const ordinal = productOrdinal(text);
    if (ordinal !== undefined) {
      const shown = await lastList();
      const id = shown ? (shown.page ?? shown.ids.slice(-RECS_PER_ANSWER))[ordinal - 1] : undefined;
      if (shown && id) {
        await ctx.state.set(recsOfferKey(ctx.conversationId), JSON.stringify({ ...shown, picked: id }), {
          ttlSeconds: FOLLOW_UP_TTL_SECONDS,
        });
        return { replies: [await this.productDetail(ctx, id)], intent: 'recommend_products' };
      }
    }
    classified ??= classify(text);
    let { intent } = classified;
    const ruled = ruledQuestion(text, intent);
    switch (ruled?.kind) {
      case 'ack':
        return { replies: [{ text: render(ctx.lang, 'chitchat_ack') }], intent: 'greeting_chitchat' };
      case 'confused':
        return {
          replies: [{ text: render(ctx.lang, 'chitchat_other'), suggestions: suggestions(ctx, MENU) }],
          intent: 'greeting_chitchat',
        };
      case 'linked': {
        const { tier } = await tools.get_tier_benefits.run({ ctx, input: {} });
        return { replies: [{ text: render(ctx.lang, 'chat_linked', { id: ctx.member.id, tier: tier.name }) }], intent: 'member_number' };
      }
      case 'login_help':
        return {
          replies: [{ text: render(ctx.lang, 'login_help'), suggestions: suggestions(ctx, ['suggest_human']) }],
          intent: 'login_help',
        };
      case 'member_number': {
        // The member's tier from the tier table (read once per turn); no spend query is needed for its name.
        const { tier } = await tools.get_tier_benefits.run({ ctx, input: {} });
        const reply = {
          text: render(ctx.lang, 'member_number', { id: ctx.member.id, tier: tier.name }),
          suggestions: suggestions(ctx, ['suggest_points', 'suggest_tier']),
        };
        return { replies: [reply], intent: 'member_number' };
      }
      case 'birthday':
        return { replies: [await birthdayAnswer(ctx)], intent: 'tier_benefits' };
      case 'language': {
        // Said in the language asked for, whatever language the request itself was written in.
        const { changed } = await tools.set_language.run({ ctx, input: { language: ruled.to } });
        return { replies: [{ text: render(ruled.to, changed ? 'language_set' : 'language_already') }], intent: 'language' };
      }
      case 'consent_how': {
        // The button is the exact keyword the consent gate acts on (STOP / 退订, START / 订阅).
        const keyword = render(ctx.lang, ruled.to === 'out' ? 'consent_keyword_out' : 'consent_keyword_in');
        const reply = {
          text: render(ctx.lang, ruled.to === 'out' ? 'consent_how_out' : 'consent_how_in'),
          suggestions: [{ title: keyword, value: keyword }],
        };
        return { replies: [reply], intent: 'consent_help' };
      }
      case 'last_purchase': {
        const { orders } = await tools.get_order_status.run({ ctx, input: {} });
        return { replies: [this.lastPurchase(ctx, orders)], intent: 'order_status' };
      }
      case 'points_policy': {
        // Paying with points: the rule, then the coupons the balance buys (each with its button), from the store.
        if (ruled.topic === 'pay') {
          const [options] = await this.redeemOptions(ctx, false);
          return {
            replies: [{ ...options, text: `${render(ctx.lang, 'points_policy_pay')}\n\n${options.text}` }],
            intent: 'earn_redeem_points',
          };
        }
        const { tier } = await tools.get_tier_benefits.run({ ctx, input: {} });
        const key = `points_policy_${ruled.topic}` as const;
        const reply = {
          text: render(ctx.lang, key, { tier: tier.name, multiplier: tier.multiplier }),
          // A refund itself is the support team's: the rule, then the way to them.
          suggestions: suggestions(
            ctx,
            ruled.topic === 'refund' ? ['suggest_human', 'suggest_points'] : ['suggest_redeem', 'suggest_points'],
          ),
        };
        return { replies: [reply], intent: 'earn_redeem_points' };
      }
      case 'shipping':
        return { replies: [await shippingAnswer(ctx)], intent: 'shipping' };
      case 'support_hours': {
        const h = await tools.get_support_hours.run({ ctx, input: {} });
        const text = h.openNow
          ? render(ctx.lang, 'support_hours_open', { hours: h.hours })
          : h.nextOpening
            ? render(ctx.lang, 'support_hours_closed', { hours: h.hours, opens: h.nextOpening })
            : render(ctx.lang, 'support_hours_unknown', { hours: h.hours });
        return { replies: [{ text, suggestions: suggestions(ctx, ['suggest_human']) }], intent: 'support_hours' };
      }
      case 'profile_change':
      case 'account_close': {
        const key = ruled.kind === 'profile_change' ? 'profile_change_shop' : 'account_close_human';
        return { replies: [{ text: render(ctx.lang, key), suggestions: suggestions(ctx, ['suggest_human']) }], intent: ruled.kind };
      }
      case 'topics': {
        // One answer per fact asked, each as its own intent would give it, in one message.
        const intentOf = { points: 'points_balance', tier: 'next_tier', coupons: 'coupons', orders: 'order_status' } as const;
        const answers = await Promise.all(ruled.topics.map((t) => this.answer(ctx, intentOf[t], text)));
        const reply = {
          text: answers.map(([a]) => a.text).join('\n\n'),
          suggestions: suggestions(ctx, ['suggest_redeem', 'suggest_orders']),
        };
        return { replies: [reply], intent: intentOf[ruled.topics[0]] };
      }
      case 'points_expired': {
        // What expired lately (from the ledger), the rule, and a person: the assistant cannot restore points.
        const r = say(ctx);
        const h = await tools.get_points_history.run({ ctx, input: { limit: 20 } });
        const gone = h.entries.filter((e) => e.kind === 'expire').slice(0, 5);
        const lines = gone.map((e) =>
          r('points_history_line', { date: e.date, signed_points: formatPoints(e.points), label: r('ledger_expire') }),
        );
        const head = lines.length ? [r('points_expired_header'), ...lines].join('\n') : r('points_expired_none');
        const reply = {
          text: `${head}\n\n${r('points_expired_rule', { months: ctx.domain.rules.expiryMonths })}\n\n${await this.balanceText(ctx)}`,
          suggestions: suggestions(ctx, ['suggest_human', 'suggest_redeem']),
        };
        return { replies: [reply], intent: 'points_history' };
      }
      case 'program':
        return { replies: [await programAnswer(ctx, NEWCOMER.test(text))], intent: 'earn_redeem_points' };
      case 'tier_rule': {
        const [{ tiers }, [standing]] = await Promise.all([
          tools.get_tier_benefits.run({ ctx, input: {} }),
          this.answer(ctx, 'next_tier', text),
        ]);
        const ladder = tiers
          .filter((t) => t.threshold > 0)
          .map((t) => render(ctx.lang, 'tier_ladder_step', { tier: t.name, threshold: money(t.threshold) }))
          .join(ctx.lang === 'zh-CN' ? '，' : ', ');
        const reply = {
          text: `${render(ctx.lang, 'tier_rule', { months: windowMonths(ctx), ladder })}\n\n${standing.text}`,
          suggestions: suggestions(ctx, ['suggest_points', 'suggest_coupons']),
        };
        return { replies: [reply], intent: 'next_tier' };
      }
      case 'earn_estimate':
        return { replies: [await earnEstimateAnswer(ctx, ruled.amount)], intent: 'earn_redeem_points' };
      case 'points_wrong': {
        const [history] = await this.answer(ctx, 'points_history', text);
        const reply = {
          text: `${history.text}\n\n${render(ctx.lang, 'order_points_rule')}`,
          suggestions: suggestions(ctx, ['suggest_human']),
        };
        return { replies: [reply], intent: 'points_history' };
      }
      case 'refund_status': {
        const r = say(ctx);
        const { orders } = await tools.get_order_status.run({ ctx, input: {} });
        const list = orders.length ? [r('orders_header'), ...this.orderLines(ctx, orders)].join('\n') : r('orders_none');
        const reply = { text: `${list}\n\n${r('refund_status_note')}`, suggestions: suggestions(ctx, ['suggest_human']) };
        return { replies: [reply], intent: 'order_status' };
      }
      case 'order_change': {
        const reply = { text: render(ctx.lang, 'order_change_human'), suggestions: suggestions(ctx, ['suggest_human', 'suggest_orders']) };
        return { replies: [reply], intent: 'order_change' };
      }
      case 'spend':
        return { replies: [await this.spendSummary(ctx)], intent: 'spend_summary' };
      case 'route':
        intent = ruled.intent;
        break;
    }
    if (WEAK_INTENTS.has(intent) && !THANKS.test(text) && !HELLO.test(text) && !BYE.test(text)) {
      // A catalog category with a price band ("100元以内的零食", "snacks under 50"), asked for ("有什么好吃的", "do you sell
      // coffee?"), or as the whole message ("零食"), is a shopping request. A price alone is not: hotels and flights
      // have prices too.
      const shopping = priced || (SHOPPING_ASK.test(text) && !ELSEWHERE.test(text)) || estimateTokens(text) <= SHORT_MESSAGE_TOKENS;
      if (shopping && (await categoryIn(ctx, text))) intent = 'recommend_products';
    }
    const replies = await this.answer(ctx, intent, text);
    return { replies, intent, confidence: intent === classified.intent ? classified.confidence : undefined };
  }

  private async answer(ctx: TurnCtx, intent: Intent, text: string): Promise<OutboundReply[]> {
    const r = say(ctx);
    switch (intent) {
      case 'points_balance':
        if (EXPIRY.test(text)) return [await this.expiryAnswer(ctx)];
        return [{ text: await this.balanceText(ctx), suggestions: suggestions(ctx, ['suggest_coupons', 'suggest_tier']) }];
      case 'points_history': {
        if (EXPIRY.test(text)) return [await this.expiryAnswer(ctx)];
        // "全部积分明细", "show my full points history": the tool's longest page instead of the latest five.
        const all = HISTORY_ALL.test(text);
        const h = await tools.get_points_history.run({ ctx, input: { limit: all ? HISTORY_ALL_LIMIT : 5 } });
        const lines = h.entries.map((e) =>
          r('points_history_line', {
            date: e.date,
            signed_points: e.points > 0 ? `+${formatPoints(e.points)}` : formatPoints(e.points),
            label: r(`ledger_${e.kind}` as TemplateKey, { ref: e.source }),
          }),
        );
        const header = all ? r('points_history_header_all', { count: lines.length }) : r('points_history_header');
        const head = lines.length ? [header, ...lines].join('\n') : r('points_history_empty');
        // A full page may not be everything: the older entries are with a person (or the shop's account page).
        const more = all && lines.length === HISTORY_ALL_LIMIT ? `\n${r('points_history_older')}` : '';
        const reply = { text: `${head}${more}\n\n${await this.balanceText(ctx)}` };
        return [all || lines.length < 5 ? reply : { ...reply, suggestions: suggestions(ctx, ['suggest_history_all']) }];
      }
      case 'earn_redeem_points':
        // "积分可以延期吗": when they expire (and the rule), not how they are earned.
        if (EXPIRY.test(text) && !REDEEM_ASK.test(text) && !EARN_ASK.test(text)) return [await this.expiryAnswer(ctx)];
        return this.redeemOptions(ctx, !REDEEM_ASK.test(text) || EARN_ASK.test(text));
      case 'tier_benefits': {
        const compared = TIER_WORDS.filter(([re]) => re.test(text)).map(([, code]) => code);
        if (compared.length >= 2) return [await compareTiersAnswer(ctx, compared)];
        const named = compared[0];
        const [b, s] = await Promise.all([
          tools.get_tier_benefits.run({ ctx, input: { tierCode: named } }),
          tools.get_tier_status.run({ ctx, input: {} }),
        ]);
        const parts: string[] = [];
        if (b.isMemberTier)
          parts.push(
            r('tier_current', {
              tier: s.tier.name,
              multiplier: s.tier.multiplier,
              spend: money(s.rollingSpend),
              months: windowMonths(ctx),
            }),
          );
        parts.push(
          [r('tier_benefits_header', { tier: b.tier.name }), ...b.tier.benefits.map((x) => r('tier_benefit_line', { benefit: x }))].join(
            '\n',
          ),
        );
        if (b.isMemberTier) parts.push(this.gapText(ctx, s));
        else {
          // "what do diamond members get": and how far the member is from it, when it is above them.
          const target = b.tiers.find((x) => x.code === b.tier.code);
          const gapCents = target ? Math.round(target.threshold * 100) - Math.round(s.rollingSpend * 100) : 0;
          if (gapCents > 0) parts.push(r('next_tier_gap', { gap: formatMoney(gapCents), next: b.tier.name, months: windowMonths(ctx) }));
        }
        return [{ text: parts.join('\n\n'), suggestions: suggestions(ctx, ['suggest_points', 'suggest_coupons']) }];
      }
      case 'next_tier': {
        const s = await tools.get_tier_status.run({ ctx, input: {} });
        const parts = [
          r('tier_current', { tier: s.tier.name, multiplier: s.tier.multiplier, spend: money(s.rollingSpend), months: windowMonths(ctx) }),
          this.gapText(ctx, s),
        ];
        // "怎么升级到金卡" from Regular: the gap to the tier they named too, not only to the next one.
        const named = TIER_WORDS.find(([re]) => re.test(text))?.[1];
        if (named && named !== s.nextTier?.code && named !== s.tier.code) {
          const { tiers } = await tools.get_tier_benefits.run({ ctx, input: {} });
          const target = tiers.find((x) => x.code === named);
          const gapCents = target ? Math.round(target.threshold * 100) - Math.round(s.rollingSpend * 100) : 0;
          if (target && gapCents > 0)
            parts.push(r('next_tier_gap', { gap: formatMoney(gapCents), next: target.name, months: windowMonths(ctx) }));
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
        const c = await tools.list_coupons.run({ ctx, input: { recentlyExpired: COUPON_GONE.test(text) } });
        // An order's amount, not a coupon's own ("is the ¥5 coupon still valid" names the coupon by its value).
        const amount = ORDER_AMOUNT.test(text) ? amountIn(text) : undefined;
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
        const problem = COUPON_PROBLEM.test(text);
        const howTo = problem ? `\n\n${r('coupons_problem')}` : COUPON_HOW.test(text) ? `\n\n${r('coupons_how_to_use')}` : '';
        // "我的券怎么没了": what expired lately, after what is held.
        const gone = c.recentlyExpired
          ? `\n\n${
              c.recentlyExpired.length
                ? [
                    r('coupons_expired_header', { days: EXPIRED_COUPON_DAYS }),
                    ...c.recentlyExpired.map((x) => r('coupon_expired_line', { name: x.name, expired: x.expiredOn })),
                  ].join('\n')
                : r('coupons_none_expired', { days: EXPIRED_COUPON_DAYS })
            }`
          : '';
        const head = c.coupons.length
          ? [
              r('coupons_header', { count: c.coupons.length }),
              ...c.coupons.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn })),
            ].join('\n')
          : r('coupons_none');
        const body = `${head}${c.coupons.length || problem ? howTo : ''}${gone}${c.redeemable.length && !problem ? `\n\n${r('coupons_redeem_hint')}` : ''}`;
        return [gone || problem ? { text: body, suggestions: suggestions(ctx, ['suggest_human']) } : { text: body }];
      }
      case 'order_status': {
        const orderId = ORDER_ID.exec(text)?.[1];
        const o = await tools.get_order_status.run({ ctx, input: { orderId } });
        if (!o.orders.length) return [{ text: orderId ? r('order_not_found', { id: orderId }) : r('orders_none') }];
        if (ORDER_POINTS.test(text) || (orderId && MENTIONS_POINTS.test(text))) return [this.orderPoints(ctx, o.orders)];
        // One order by its number, or the latest asked for: that order with its products and tracking.
        if (orderId && o.orders.length === 1) return [this.lastPurchase(ctx, o.orders, 'named_order')];
        if (!orderId && LAST_ORDER.test(text)) return [this.lastPurchase(ctx, o.orders)];
        return [{ text: [r('orders_header'), ...this.orderLines(ctx, o.orders)].join('\n') }];
      }
      case 'recommend_products': {
        const category = await categoryIn(ctx, text);
        return this.recommend(ctx, { ...parsePriceBand(text), ...(category ? { category } : {}) }, []);
      }
      case 'feedback_complaint': {
        if (BARE_COMPLAINT.test(text)) {
          // "投诉" alone says nothing to file: ask what happened, and file the answer (next turn).
          const kind = /投诉|complain/i.test(text) ? 'complaint' : 'feedback';
          await requestDescription(ctx, kind);
          return [{ text: r(kind === 'complaint' ? 'complaint_ask' : 'feedback_ask'), suggestions: suggestions(ctx, ['suggest_human']) }];
        }
        return this.fileComplaint(ctx, text, isComplaint(text));
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
        // What it can answer, and the person the text offers, one tap away.
        return [{ text: r('out_of_scope'), suggestions: suggestions(ctx, [...MENU, 'suggest_human']) }];
    }
  }

  private async balanceText(ctx: TurnCtx): Promise<string> {
    const b = await tools.get_points_balance.run({ ctx, input: {} });
    const parts = [render(ctx.lang, 'points_balance', { balance: formatPoints(b.balance) })];
    if (b.expiringSoon.points > 0 && b.nextExpiry && b.nextExpiry.points >= b.expiringSoon.points) {
      // All of it on one day: say the day, not the end of the window.
      parts.push(render(ctx.lang, 'points_expiring_on', { points: formatPoints(b.expiringSoon.points), date: b.nextExpiry.on }));
    } else if (b.expiringSoon.points > 0) {
      parts.push(
        render(ctx.lang, 'points_expiring', {
          points: formatPoints(b.expiringSoon.points),
          days: b.expiringSoon.days,
          first_points: formatPoints(b.nextExpiry?.points ?? b.expiringSoon.points),
          first_date: b.nextExpiry?.on ?? b.expiringSoon.before,
        }),
      );
    } else if (b.balance > 0) {
      parts.push(render(ctx.lang, 'points_none_expiring', { days: b.expiringSoon.days }));
      if (b.nextExpiry)
        parts.push(render(ctx.lang, 'points_next_expiry', { points: formatPoints(b.nextExpiry.points), date: b.nextExpiry.on }));
    }
    return parts.join(ctx.lang === 'zh-CN' ? '' : ' ');
  }

  /**
   * Three recommendations that were not shown yet (`skip`), remembered with their filter for a follow-up
   * "换一批" (the next three) or "便宜一点的" (cheaper than the cheapest of these).
   */
  private async recommend(ctx: TurnCtx, filter: RecsFilter, skip: string[]): Promise<OutboundReply[]> {
    const r = say(ctx);
    const limit = Math.min(RECS_MAX, skip.length + RECS_PER_ANSWER);
    const p =
      skip.length >= RECS_MAX ? { products: [], filtered: true } : await tools.recommend_products.run({ ctx, input: { limit, ...filter } });
    const fresh = p.products.filter((x) => !skip.includes(x.id)).slice(0, RECS_PER_ANSWER);
    if (!fresh.length) {
      if (skip.length) return [{ text: r('recommend_no_more') }];
      return [{ text: r(p.filtered ? 'recommend_none_filtered' : 'recommend_none') }];
    }
    const page = fresh.map((x) => x.id);
    const shown: RecsShown = { filter, ids: [...skip, ...page], page, cheapest: Math.min(...fresh.map((x) => x.price)) };
    await ctx.state.set(recsOfferKey(ctx.conversationId), JSON.stringify(shown), { ttlSeconds: FOLLOW_UP_TTL_SECONDS });
    // The latest list wins: "第一个" now means the first product, not the first coupon of an earlier list.
    await ctx.state.del(redeemOfferKey(ctx.conversationId));
    const lines = fresh.map((x) => {
      const line = r('recommend_line', {
        name: x.name,
        price: money(x.price),
        points_note: pointsNote(ctx, x.pointsOff),
        reason: x.reason,
      });
      return x.url ? `${line}\n${r('recommend_link', { url: x.url })}` : line;
    });
    const more: TemplateKey[] = shown.ids.length < RECS_MAX && p.products.length >= limit ? ['suggest_more_recs'] : [];
    return [{ text: [r('recommend_header'), ...lines].join('\n'), suggestions: suggestions(ctx, [...more, 'suggest_cheaper_recs']) }];
  }

  /** Each order on a line (number, date, total, items, status), with its tracking under it when shipped. */
  private orderLines(ctx: TurnCtx, orders: OrderRows): string[] {
    const r = say(ctx);
    return orders.flatMap((x) => {
      const line = r('order_line', {
        id: x.id,
        date: x.orderedOn,
        total: money(x.total),
        items: countOf(ctx.lang, x.items, 'item'),
        status: r(`order_status_${x.status}` as TemplateKey),
      });
      return x.trackingNo && x.carrier ? [line, r('order_tracking', { carrier: x.carrier, tracking: x.trackingNo })] : [line];
    });
  }

  /**
   * The latest order (or the one asked for by number, `named_order`) with the names of its first products (the tool
   * gives up to three), its status and tracking.
   */
  private lastPurchase(ctx: TurnCtx, orders: OrderRows, key: 'last_order' | 'named_order' = 'last_order'): OutboundReply {
    const r = say(ctx);
    const last = orders[0];
    if (!last) return { text: r('orders_none') };
    const names = last.products.join(ctx.lang === 'zh-CN' ? '、' : ', ');
    const line = r(key, {
      id: last.id,
      date: last.orderedOn,
      total: money(last.total),
      items: countOf(ctx.lang, last.items, 'item'),
      products: last.productCount > last.products.length ? r('last_order_more', { products: names }) : names,
      status: r(`order_status_${last.status}` as TemplateKey),
    });
    const tracking = last.trackingNo && last.carrier ? r('order_tracking', { carrier: last.carrier, tracking: last.trackingNo }) : null;
    return { text: tracking ? `${line}\n${tracking}` : line, suggestions: suggestions(ctx, ['suggest_orders']) };
  }

  /** Spend in the tier window and in this and last month, from the member's paid orders, then the next tier. */
  private async spendSummary(ctx: TurnCtx): Promise<OutboundReply> {
    const r = say(ctx);
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
  private orderPoints(ctx: TurnCtx, orders: OrderRows): OutboundReply {
    const r = say(ctx);
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

  /** "积分什么时候过期": the next expiry days with their points, the rule, then the balance. */
  private async expiryAnswer(ctx: TurnCtx): Promise<OutboundReply> {
    const r = say(ctx);
    const [{ upcomingExpiries }, b] = await Promise.all([
      tools.get_points_expiry.run({ ctx, input: {} }),
      tools.get_points_balance.run({ ctx, input: {} }),
    ]);
    const rule = r('points_expiry_rule', { months: ctx.domain.rules.expiryMonths });
    const head = upcomingExpiries.length
      ? [
          r('points_expiry_header'),
          ...upcomingExpiries.map((u) => r('points_expiry_line', { date: u.on, points: formatPoints(u.points) })),
          '',
          rule,
        ].join('\n')
      : `${r('points_expiry_none')} ${rule}`;
    return {
      text: `${head}\n\n${r('points_balance', { balance: formatPoints(b.balance) })}`,
      // Points about to go are best spent: the coupons points buy, one tap away.
      suggestions: suggestions(ctx, upcomingExpiries.length ? ['suggest_redeem', 'suggest_coupons'] : ['suggest_coupons']),
    };
  }

  private gapText(ctx: TurnCtx, s: Awaited<ReturnType<typeof tools.get_tier_status.run>>): string {
    return s.nextTier
      ? render(ctx.lang, 'next_tier_gap', { gap: money(s.nextTier.spendNeeded), next: s.nextTier.name, months: windowMonths(ctx) })
      : render(ctx.lang, 'next_tier_top');
  }

  /**
   * Files what the member said: a complaint (which opens a ticket, and puts an upset member through to a person when
   * the team is in) or other feedback.
   */
  private async fileComplaint(ctx: TurnCtx, text: string, complaint: boolean): Promise<OutboundReply[]> {
    const r = say(ctx);
    const sentiment = complaint ? 'negative' : sentimentOf(text);
    await tools.submit_feedback.run({ ctx, input: complaint ? { kind: 'complaint', text, sentiment } : { kind: 'text', text, sentiment } });
    const handoff = peekHandoffOutcome(ctx);
    if (handoff) return [{ text: r('complaint_recorded') }, handoffReply(ctx, handoff)];
    if (complaint) return [{ text: r('complaint_received') }];
    // Unhappy words that are not a complaint ("you're useless") get an apology and the way to a person, not thanks.
    return [
      sentiment === 'negative'
        ? { text: r('feedback_sorry'), suggestions: suggestions(ctx, ['suggest_human']) }
        : { text: r('feedback_thanks') },
    ];
  }

  /** One product just recommended ("第一个", "the second one"): its price, stock, tier and where to buy it, read now. */
  private async productDetail(ctx: TurnCtx, productId: string): Promise<OutboundReply> {
    const r = say(ctx);
    const p = await tools.get_product.run({ ctx, input: { productId } });
    if (!p.found) return { text: r('product_gone') };
    const lines = [
      r('product_detail', {
        name: p.name,
        price: money(p.price),
        stock: r(p.inStock ? 'product_in_stock' : 'product_out_of_stock'),
        points_note: pointsNote(ctx, p.pointsOff),
      }),
    ];
    if (!p.allowed && p.needsTier) lines.push(r('product_tier_only', { tier: p.needsTier }));
    lines.push(p.url ? r('product_buy_link', { url: p.url }) : r('product_buy_search', { name: p.name }));
    return { text: lines.join('\n'), suggestions: suggestions(ctx, ['suggest_more_recs', 'suggest_cheaper_recs']) };
  }

  /** The coupons the points buy (numbered, a button per affordable one), after the earn rule when asked for. */
  private async redeemOptions(ctx: TurnCtx, withEarnRule: boolean, listed?: CouponList): Promise<OutboundReply[]> {
    const r = say(ctx);
    const [coupons, balance] = await Promise.all([
      listed ?? tools.list_coupons.run({ ctx, input: {} }),
      tools.get_points_balance.run({ ctx, input: {} }),
    ]);
    const parts: string[] = [];
    if (withEarnRule) {
      const { tier } = await tools.get_tier_benefits.run({ ctx, input: {} });
      parts.push(r('earn_rules', { tier: tier.name, multiplier: tier.multiplier, months: ctx.domain.rules.expiryMonths }));
    }
    if (coupons.redeemable.length) {
      await ctx.state.set(redeemOfferKey(ctx.conversationId), '1', { ttlSeconds: FOLLOW_UP_TTL_SECONDS });
      parts.push(
        [
          r('redeem_options_header', { balance: formatPoints(balance.balance) }),
          ...coupons.redeemable.map((c) => r('redeem_option_line', { index: c.option, name: c.name, cost: formatPoints(c.pointsCost) })),
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

  /** "redeem N": N is an option number from the list, or a points cost. */
  private async redeem(ctx: TurnCtx, n: number, listed?: CouponList): Promise<BrainReply> {
    const r = say(ctx);
    const c = listed ?? (await tools.list_coupons.run({ ctx, input: {} }));
    const choice = c.redeemable.find((x) => x.option === n) ?? c.redeemable.find((x) => x.pointsCost === n);
    if (!choice) return { replies: await this.redeemOptions(ctx, false, c), intent: 'earn_redeem_points' };
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
