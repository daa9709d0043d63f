// Small helpers every offline answer uses: templates in the turn's language, buttons, yuan, the tier window.
import { formatMoney, formatPoints } from '../../lib/money.js';
import { render, type TemplateKey, type TemplateVars } from '../templates.js';
import type { Suggestion, TurnCtx } from '../types.js';

/** Yuan (a decimal number, as the tools give it) with thousands separators: "2,776.80". */
export const money = (yuan: number) => formatMoney(Math.round(yuan * 100));

/** The tier window the program's rules count spend over (12 months by default). */
export const windowMonths = (ctx: TurnCtx) => ctx.domain.rules.tierWindowMonths;

/** Renders templates in the turn's language. */
export const say =
  (ctx: TurnCtx) =>
  (key: TemplateKey, vars?: TemplateVars): string =>
    render(ctx.lang, key, vars);

/** Buttons whose value is the text they show (what the member would type). */
export function suggestions(ctx: TurnCtx, keys: TemplateKey[]): Suggestion[] {
  return keys.map((k) => {
    const title = render(ctx.lang, k);
    return { title, value: title };
  });
}

/** " (¥5 off with a 500-point coupon)" after a product's price, or nothing when no coupon the points buy fits it. */
export const pointsNote = (ctx: TurnCtx, p: { off: number; pointsCost: number } | null): string =>
  p ? render(ctx.lang, 'recommend_points_note', { off: money(p.off), cost: formatPoints(p.pointsCost) }) : '';
