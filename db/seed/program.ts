// The program's default rules as data: the four tiers (thresholds, multipliers, benefits per locale).
import type { Tier } from '../schema/index.js';

export const DEFAULT_TIERS: Tier[] = [
  {
    code: 'regular',
    rank: 0,
    nameZh: '普通会员',
    nameEn: 'Regular',
    thresholdCents: 0,
    multiplierPct: 100,
    benefitsZh: ['每消费 1 元得 1 积分', '积分兑换优惠券', '生日当月 95 折券 1 张'],
    benefitsEn: ['1 point per yuan spent', 'Redeem points for coupons', 'A 5%-off coupon in your birthday month'],
  },
  {
    code: 'silver',
    rank: 1,
    nameZh: '银卡',
    nameEn: 'Silver',
    thresholdCents: 200_000,
    multiplierPct: 120,
    benefitsZh: ['积分 1.2 倍', '每月免运费券 1 张', '生日当月 9 折券 1 张', '会员专享价'],
    benefitsEn: ['1.2x points', 'One free-shipping coupon a month', 'A 10%-off coupon in your birthday month', 'Member prices'],
  },
  {
    code: 'gold',
    rank: 2,
    nameZh: '金卡',
    nameEn: 'Gold',
    thresholdCents: 500_000,
    multiplierPct: 150,
    benefitsZh: ['积分 1.5 倍', '每月免运费券 2 张', '生日双倍积分', '专属客服通道', '新品优先购'],
    benefitsEn: [
      '1.5x points',
      'Two free-shipping coupons a month',
      'Double points in your birthday month',
      'Priority customer service',
      'Early access to new products',
    ],
  },
  {
    code: 'diamond',
    rank: 3,
    nameZh: '钻石',
    nameEn: 'Diamond',
    thresholdCents: 1_000_000,
    multiplierPct: 200,
    benefitsZh: ['积分 2 倍', '全年无限免运费', '生日双倍积分及生日礼', '一对一专属顾问', '钻石专享商品', '极速退款'],
    benefitsEn: [
      '2x points',
      'Free shipping all year',
      'Double birthday points and a birthday gift',
      'A personal advisor',
      'Diamond-only products',
      'Express refunds',
    ],
  },
];
