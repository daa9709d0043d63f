// The offline brain: a deterministic bilingual router over the same tools the language model uses.
import { formatMoney, formatPoints } from '../../lib/money.js';
import { render, type TemplateKey } from '../templates.js';
import { tools } from '../tools/index.js';
import type { Brain, BrainReply, OutboundReply, Suggestion, TurnCtx } from '../types.js';
import { classify, type Intent } from './nlu/index.js';
import { sentimentOf } from '../../domain/feedback/categorize.js';
import { handoffReply, peekHandoffOutcome } from '../handoff.js';
import { parsePriceBand } from './price-band.js';

const money = (yuan: number) => formatMoney(Math.round(yuan * 100));

/** Redeem requests that name an option: "兑换 1", "redeem 2", "兑换500积分的券". */
const REDEEM_PICK = /(?:兑换|换|redeem|exchange)\s*(?:第|no\.?|number|option|#)?\s*(\d{1,6})/i;
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
    const { intent, confidence } = classify(text);
    const replies = await this.answer(ctx, intent, text);
    return { replies, intent, confidence };
  }

  private async answer(ctx: TurnCtx, intent: Intent, text: string): Promise<OutboundReply[]> {
    const r = (key: TemplateKey, vars?: Record<string, string | number>) => render(ctx.lang, key, vars);
    switch (intent) {
      case 'points_balance':
        return [{ text: await this.balanceText(ctx), suggestions: suggestions(ctx, ['suggest_coupons', 'suggest_tier']) }];
      case 'points_history': {
        const h = await tools.get_points_history.run({ ctx, input: { limit: 5 } });
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
        return [{ text: parts.join('\n\n') }];
      }
      case 'tier_benefits': {
        const named = TIER_WORDS.find(([re]) => re.test(text))?.[1];
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
        const lines = o.orders.flatMap((x) => {
          const line = r('order_line', {
            id: x.id,
            date: x.orderedOn,
            total: money(x.total),
            items: x.items,
            status: r(`order_status_${x.status}` as TemplateKey),
          });
          return x.trackingNo && x.carrier ? [line, r('order_tracking', { carrier: x.carrier, tracking: x.trackingNo })] : [line];
        });
        return [{ text: [r('orders_header'), ...lines].join('\n') }];
      }
      case 'recommend_products': {
        const p = await tools.recommend_products.run({ ctx, input: { limit: 3, ...parsePriceBand(text) } });
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
