// Shared formatting for tool outputs: dates in the member's zone, money in yuan, names in their language.
import type { Lang } from '../types.js';
import { formatDate } from '../../lib/time.js';
import type { PointsOff } from '../../domain/loyalty/index.js';

/** Cents to a yuan number with at most 2 decimals (tool outputs are JSON numbers). */
export const yuan = (cents: number): number => Math.round(cents) / 100;

export const day = (date: Date, timeZone: string): string => formatDate(date, timeZone);

/** Picks the Chinese or English variant of a bilingual field. */
export const pick = (lang: Lang, zh: string | null | undefined, en: string): string => (lang === 'zh-CN' && zh ? zh : en);

/** What a coupon bought with points takes off a product, as tools give it: its name in the member's language. */
export const pointsOffJson = (lang: Lang, p: PointsOff | null): { coupon: string; off: number; pointsCost: number } | null =>
  p ? { coupon: pick(lang, p.nameZh, p.nameEn), off: yuan(p.offCents), pointsCost: p.pointsCost } : null;
