// Pure handoff and feedback rules: business hours across time zones and DST, rating parsing, categories, sentiment.
import { describe, expect, it } from 'vitest';
import { categorizeFeedback, parseRating, sentimentOf, sentimentOfScore } from '../../src/domain/feedback/index.js';
import { npsScore, weekStart } from '../../src/domain/feedback/reports.js';
import { describeHours, formatForMember, isOpen, nextOpening, zonedTimeToUtc, type TeamHours } from '../../src/domain/handoffs/index.js';

const shanghai: TeamHours = {
  timeZone: 'Asia/Shanghai',
  days: [1, 2, 3, 4, 5, 6, 7],
  open: '09:00',
  close: '21:00',
  closedDates: ['2026-10-01'],
};
const london: TeamHours = { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', closedDates: [] };

describe('business hours', () => {
  it('knows when each team is in, in its own time zone', () => {
    expect(isOpen(shanghai, new Date('2026-06-01T00:59:00Z'))).toBe(false); // 08:59 Shanghai
    expect(isOpen(shanghai, new Date('2026-06-01T01:00:00Z'))).toBe(true); // 09:00
    expect(isOpen(shanghai, new Date('2026-06-01T12:59:00Z'))).toBe(true); // 20:59
    expect(isOpen(shanghai, new Date('2026-06-01T13:00:00Z'))).toBe(false); // 21:00
    expect(isOpen(london, new Date('2026-06-01T08:00:00Z'))).toBe(true); // 09:00 BST, Monday
    expect(isOpen(london, new Date('2026-06-06T10:00:00Z'))).toBe(false); // Saturday
    expect(isOpen(shanghai, new Date('2026-10-01T04:00:00Z'))).toBe(false); // a closed date
  });

  it('finds the next opening across nights, weekends, holidays and DST changes', () => {
    expect(nextOpening(shanghai, new Date('2026-06-01T14:00:00Z'))?.toISOString()).toBe('2026-06-02T01:00:00.000Z');
    expect(nextOpening(shanghai, new Date('2026-09-30T14:00:00Z'))?.toISOString()).toBe('2026-10-02T01:00:00.000Z');
    expect(nextOpening(london, new Date('2026-06-05T17:30:00Z'))?.toISOString()).toBe('2026-06-08T08:00:00.000Z'); // Friday 18:30 BST -> Monday 09:00 BST
    // Clocks go back on Sunday 25 October 2026: Monday 09:00 is GMT again.
    expect(nextOpening(london, new Date('2026-10-23T18:00:00Z'))?.toISOString()).toBe('2026-10-26T09:00:00.000Z');
    const now = new Date('2026-06-01T03:00:00Z');
    expect(nextOpening(shanghai, now)).toBe(now); // open now
    expect(nextOpening({ ...london, days: [] }, now)).toBeNull();
  });

  it('converts wall-clock times to instants in DST and non-DST zones', () => {
    expect(zonedTimeToUtc(2026, 3, 29, 9, 0, 'Europe/London').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(zonedTimeToUtc(2026, 3, 28, 9, 0, 'Europe/London').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(zonedTimeToUtc(2026, 1, 1, 0, 0, 'Asia/Shanghai').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(zonedTimeToUtc(2026, 7, 1, 9, 30, 'America/New_York').toISOString()).toBe('2026-07-01T13:30:00.000Z');
  });

  it('describes hours and instants in the member’s language and zone', () => {
    expect(describeHours(london, 'en')).toBe('Mon–Fri 09:00–18:00 (Europe/London)');
    expect(describeHours(shanghai, 'zh-CN')).toBe('每天 09:00–21:00（Asia/Shanghai）');
    expect(describeHours({ ...london, days: [1, 3, 5] }, 'en')).toBe('Mon, Wed, Fri 09:00–18:00 (Europe/London)');
    const at = new Date('2026-06-02T01:00:00Z');
    expect(formatForMember(at, 'Asia/Shanghai', 'zh-CN')).toBe('6月2日周二 09:00');
    expect(formatForMember(at, 'Europe/London', 'en')).toBe('Tue 2 Jun, 02:00');
    expect(formatForMember(at, 'Not/AZone', 'en')).toBe('Tue 2 Jun, 01:00');
  });
});

describe('ratings typed or tapped', () => {
  it('reads digits, full-width digits, Chinese numerals, stars and units, with an optional comment', () => {
    expect(parseRating('5')).toEqual({ score: 5 });
    expect(parseRating(' ５ ')).toEqual({ score: 5 });
    expect(parseRating('4分')).toEqual({ score: 4 });
    expect(parseRating('五星')).toEqual({ score: 5 });
    expect(parseRating('3 stars')).toEqual({ score: 3 });
    expect(parseRating('4/5')).toEqual({ score: 4 });
    expect(parseRating('★★★★')).toEqual({ score: 4 });
    expect(parseRating('⭐️⭐️⭐️⭐️⭐️')).toEqual({ score: 5 });
    expect(parseRating('10')).toEqual({ score: 10 });
    expect(parseRating('0')).toEqual({ score: 0 });
    expect(parseRating('4 - quick and kind')).toEqual({ score: 4, comment: 'quick and kind' });
    expect(parseRating('5分，客服很耐心')).toEqual({ score: 5, comment: '客服很耐心' });
  });

  it('does not mistake other messages for ratings', () => {
    for (const text of [
      '兑换 1',
      'redeem 2',
      '11',
      '123456',
      'link 123456',
      '5000 points?',
      'hello',
      '2026-06-01',
      '3rd order',
      '五百积分',
    ]) {
      expect(parseRating(text)).toBeNull();
    }
  });
});

describe('feedback categories and sentiment', () => {
  it('categorizes in both languages', () => {
    expect(categorizeFeedback('快递太慢了，包裹三天还没到')).toBe('delivery');
    expect(categorizeFeedback('The parcel never arrived and tracking is stuck')).toBe('delivery');
    expect(categorizeFeedback('收到的商品质量很差，有破损')).toBe('product');
    expect(categorizeFeedback('my points disappeared from my account')).toBe('points');
    expect(categorizeFeedback('小程序总是闪退，登录不了')).toBe('app');
    expect(categorizeFeedback('客服态度很差')).toBe('service');
    expect(categorizeFeedback('I like turtles')).toBe('other');
  });

  it('reads sentiment, including negated praise', () => {
    expect(sentimentOf('非常满意，谢谢')).toBe('positive');
    expect(sentimentOf('不满意')).toBe('negative');
    expect(sentimentOf('This is terrible and the courier was rude')).toBe('negative');
    expect(sentimentOf('not good at all')).toBe('negative');
    expect(sentimentOf('APP老是闪退')).toBe('negative');
    expect(sentimentOf('东西质量一般')).toBe('negative');
    expect(sentimentOf('Great service, thank you!')).toBe('positive');
    expect(sentimentOf('I have a question about chocolate')).toBe('neutral');
    expect(sentimentOfScore('csat', 5)).toBe('positive');
    expect(sentimentOfScore('csat', 2)).toBe('negative');
    expect(sentimentOfScore('nps', 8)).toBe('neutral');
    expect(sentimentOfScore('nps', 6)).toBe('negative');
  });
});

describe('report arithmetic', () => {
  it('computes NPS and UTC weeks', () => {
    expect(npsScore([])).toBeNull();
    expect(npsScore([10, 9, 8, 7, 6, 0])).toBe(0); // 2 promoters, 2 detractors of 6
    expect(npsScore([10, 10, 9, 3])).toBe(50);
    expect(weekStart(new Date('2026-06-03T15:00:00Z')).toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(weekStart(new Date('2026-06-07T23:59:00Z')).toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(weekStart(new Date('2026-06-08T00:00:00Z')).toISOString()).toBe('2026-06-08T00:00:00.000Z');
  });

  it("starts weeks on Monday 00:00 in the reader's time zone", () => {
    // Sunday 20:00 UTC is already Monday 04:00 in Shanghai: a new week there.
    expect(weekStart(new Date('2026-06-07T20:00:00Z'), 'Asia/Shanghai').toISOString()).toBe('2026-06-07T16:00:00.000Z');
    expect(weekStart(new Date('2026-06-07T15:59:00Z'), 'Asia/Shanghai').toISOString()).toBe('2026-05-31T16:00:00.000Z');
    // New York's Monday midnight is 05:00 UTC in winter and 04:00 in summer (DST began on 2026-03-08).
    expect(weekStart(new Date('2026-03-04T12:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-02T05:00:00.000Z');
    expect(weekStart(new Date('2026-03-11T12:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });
});
