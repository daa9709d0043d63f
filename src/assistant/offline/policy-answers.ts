// The offline brain's answers about the program itself (birthday, shipping, how it works, tiers side by side, what an
// amount earns): each reads the tools in this turn and renders the member's language. Pure of the brain's state.
import { formatPoints } from '../../lib/money.js';
import { pointsForAmount } from '../../domain/loyalty/index.js';
import { render } from '../templates.js';
import { tools } from '../tools/index.js';
import type { OutboundReply, TurnCtx } from '../types.js';
import { money, say, suggestions, windowMonths } from './say.js';

const BIRTHDAY_WORD = /生日|birthday/i;
const SHIPPING_WORD = /运费|包邮|免邮|shipping|delivery/i;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "3月14日" / "March 14": a birthday is a calendar day, shown without a year. */
const monthDay = (lang: 'zh-CN' | 'en', month: number, day: number) =>
  lang === 'zh-CN' ? `${month}月${day}日` : `${MONTHS[month - 1] ?? month} ${day}`;

/** The member's birthday on file, what their tier gives on it, and the birthday coupons they hold. */
export async function birthdayAnswer(ctx: TurnCtx): Promise<OutboundReply> {
  const r = say(ctx);
  const [b, c] = await Promise.all([tools.get_tier_benefits.run({ ctx, input: {} }), tools.list_coupons.run({ ctx, input: {} })]);
  const parts: string[] = [];
  const day = /^\d{4}-(\d{2})-(\d{2})$/.exec(ctx.member.birthday ?? '');
  parts.push(day ? r('birthday_on_file', { date: monthDay(ctx.lang, Number(day[1]), Number(day[2])) }) : r('birthday_missing'));
  const perks = b.tier.benefits.filter((x) => BIRTHDAY_WORD.test(x));
  parts.push(
    perks.length
      ? [r('birthday_benefits', { tier: b.tier.name }), ...perks.map((x) => r('tier_benefit_line', { benefit: x }))].join('\n')
      : r('birthday_no_benefit', { tier: b.tier.name }),
  );
  const held = c.coupons.filter((x) => BIRTHDAY_WORD.test(x.name));
  if (held.length)
    parts.push([r('birthday_coupons'), ...held.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn }))].join('\n'));
  return { text: parts.join('\n\n'), suggestions: suggestions(ctx, ['suggest_coupons', 'suggest_tier']) };
}

/**
 * "how does the program work": earning (every tier's multiplier), spending (coupons), expiry and the tier ladder,
 * all from the tier table and the rules, then the member's tier and balance; a newcomer also gets their coupons.
 */
export async function programAnswer(ctx: TurnCtx, newcomer: boolean): Promise<OutboundReply> {
  const r = say(ctx);
  const [{ tiers, tier }, balance, coupons] = await Promise.all([
    tools.get_tier_benefits.run({ ctx, input: {} }),
    tools.get_points_balance.run({ ctx, input: {} }),
    newcomer ? tools.list_coupons.run({ ctx, input: {} }) : Promise.resolve(null),
  ]);
  const sep = ctx.lang === 'zh-CN' ? '，' : ', ';
  const multipliers = tiers.map((x) => r('program_multiplier', { tier: x.name, multiplier: x.multiplier })).join(sep);
  const ladder = tiers
    .filter((x) => x.threshold > 0)
    .map((x) => r('tier_ladder_step', { tier: x.name, threshold: money(x.threshold) }))
    .join(sep);
  const parts = [
    [
      r('program_header'),
      r('program_earn', { multipliers }),
      r('program_spend', { months: ctx.domain.rules.expiryMonths }),
      r('program_tiers', { months: windowMonths(ctx), ladder }),
    ].join('\n'),
    r('program_you', { tier: tier.name, balance: formatPoints(balance.balance) }),
  ];
  if (coupons?.coupons.length) {
    parts.push(
      [
        r('coupons_header', { count: coupons.coupons.length }),
        ...coupons.coupons.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn })),
      ].join('\n'),
    );
  }
  return { text: parts.join('\n\n'), suggestions: suggestions(ctx, ['suggest_redeem', 'suggest_tier', 'suggest_coupons']) };
}

/**
 * "包邮吗": the shipping benefits of the member's tier (from the tier table's wording), else the first tier up that
 * has one; the shipping coupons they hold; the fee itself is the checkout's.
 */
export async function shippingAnswer(ctx: TurnCtx): Promise<OutboundReply> {
  const r = say(ctx);
  const [b, c] = await Promise.all([tools.get_tier_benefits.run({ ctx, input: {} }), tools.list_coupons.run({ ctx, input: {} })]);
  const parts: string[] = [];
  const perks = b.tier.benefits.filter((x) => SHIPPING_WORD.test(x));
  if (perks.length) {
    parts.push([r('shipping_benefits', { tier: b.tier.name }), ...perks.map((x) => r('tier_benefit_line', { benefit: x }))].join('\n'));
  } else {
    parts.push(r('shipping_no_benefit', { tier: b.tier.name }));
    const mine = b.tiers.findIndex((x) => x.code === b.tier.code);
    for (const up of b.tiers.slice(mine + 1)) {
      const upPerks = (await tools.get_tier_benefits.run({ ctx, input: { tierCode: up.code } })).tier.benefits.filter((x) =>
        SHIPPING_WORD.test(x),
      );
      if (!upPerks.length) continue;
      parts.push(
        r('shipping_from_tier', {
          tier: up.name,
          threshold: money(up.threshold),
          months: windowMonths(ctx),
          benefit: upPerks.join(ctx.lang === 'zh-CN' ? '、' : ', '),
        }),
      );
      break;
    }
  }
  const held = c.coupons.filter((x) => SHIPPING_WORD.test(x.name));
  if (held.length)
    parts.push([r('shipping_coupons'), ...held.map((x) => r('coupon_line', { name: x.name, expires: x.expiresOn }))].join('\n'));
  parts.push(r('shipping_fee_checkout'));
  return { text: parts.join('\n\n'), suggestions: suggestions(ctx, ['suggest_coupons', 'suggest_tier']) };
}

/** "金卡和钻石有什么区别": each named tier's threshold, multiplier and benefits, lowest first. */
export async function compareTiersAnswer(ctx: TurnCtx, codes: string[]): Promise<OutboundReply> {
  const r = say(ctx);
  const blocks = await Promise.all(codes.map((tierCode) => tools.get_tier_benefits.run({ ctx, input: { tierCode } })));
  const { tiers } = blocks[0];
  const order = (code: string) => tiers.findIndex((x) => x.code === code);
  const text = blocks
    .sort((a, b) => order(a.tier.code) - order(b.tier.code))
    .map((b) => {
      const t = tiers.find((x) => x.code === b.tier.code);
      return [
        r('tier_compare_header', {
          tier: b.tier.name,
          threshold: money(t?.threshold ?? 0),
          multiplier: b.tier.multiplier,
          months: windowMonths(ctx),
        }),
        ...b.tier.benefits.map((x) => r('tier_benefit_line', { benefit: x })),
      ].join('\n');
    })
    .join('\n\n');
  return { text, suggestions: suggestions(ctx, ['suggest_tier']) };
}

/** "how many points for a ¥500 order": the earning rule applied to the amount at the member's tier now. */
export async function earnEstimateAnswer(ctx: TurnCtx, amount: number): Promise<OutboundReply> {
  const { tier } = await tools.get_tier_benefits.run({ ctx, input: {} });
  const points = pointsForAmount(Math.round(amount * 100), Math.round(tier.multiplier * 100));
  return {
    text: render(ctx.lang, 'earn_estimate', {
      amount: money(amount),
      points: formatPoints(points),
      tier: tier.name,
      multiplier: tier.multiplier,
    }),
    suggestions: suggestions(ctx, ['suggest_points', 'suggest_tier']),
  };
}
