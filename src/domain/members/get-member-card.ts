// The member card: one member's loyalty facts as staff and the admin API see them.
import { DomainError } from '../../lib/errors.js';
import { formatDate } from '../../lib/time.js';
import type { Verb } from '../context.js';
import { getPointsSummary } from '../loyalty/get-points-summary.js';
import { getTierStatus } from '../loyalty/get-tier-status.js';
import { getMember } from './find-member.js';

export interface MemberCard {
  id: string;
  name: string;
  locale: 'zh-CN' | 'en';
  timeZone: string;
  marketingConsent: boolean;
  tier: { code: string; name: string; nameZh: string; nameEn: string };
  points: {
    balance: number;
    expiringSoon: { points: number; before: string };
    /** The first day points expire (YYYY-MM-DD in the member's time zone, as the member is told) and how many go then. */
    nextExpiry: { points: number; on: string } | null;
  };
  nextTier: { code: string; name: string; spendNeeded: number } | null;
  rollingSpend: number;
}

/** Amounts are in yuan (decimal numbers) at the API edge; the store keeps cents. */
export const getMemberCard: Verb<{ memberId: string }, MemberCard> = async ({ ctx, input }) => {
  const member = await getMember({ ctx, input });
  if (!member) throw new DomainError('not_found', 'Member not found');
  const [points, tier] = await Promise.all([getPointsSummary({ ctx, input }), getTierStatus({ ctx, input })]);
  return {
    id: member.id,
    name: member.name,
    locale: member.locale,
    timeZone: member.timeZone,
    marketingConsent: member.marketingConsent,
    tier: {
      code: tier.tier.code,
      name: member.locale === 'zh-CN' ? tier.tier.nameZh : tier.tier.nameEn,
      nameZh: tier.tier.nameZh,
      nameEn: tier.tier.nameEn,
    },
    points: {
      balance: points.balance,
      expiringSoon: { points: points.expiringSoon.points, before: points.expiringSoon.before.toISOString() },
      nextExpiry: points.nextExpiry ? { points: points.nextExpiry.points, on: formatDate(points.nextExpiry.at, member.timeZone) } : null,
    },
    nextTier: tier.nextTier
      ? {
          code: tier.nextTier.tier.code,
          name: member.locale === 'zh-CN' ? tier.nextTier.tier.nameZh : tier.nextTier.tier.nameEn,
          spendNeeded: tier.nextTier.spendNeededCents / 100,
        }
      : null,
    rollingSpend: tier.rollingSpendCents / 100,
  };
};
