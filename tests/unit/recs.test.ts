// Recommendation helpers: reason texts in both languages, price bands read from requests, the prior-strength estimate.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/assistant/offline/nlu/index.js';
import { parsePriceBand } from '../../src/assistant/offline/price-band.js';
import { describeReason, estimatePriorStrength } from '../../src/domain/products/index.js';

describe('describeReason', () => {
  const milk = { productId: 'MILK', productName: 'Milk', productNameZh: '牛奶' };
  it('renders every kind in zh-CN and en, with the Chinese name when there is one', () => {
    expect(describeReason('en', { kind: 'repeat', ...milk, timesBought: 3 })).toBe('you often buy Milk');
    expect(describeReason('zh-CN', { kind: 'repeat', ...milk, timesBought: 3 })).toBe('您常买牛奶');
    expect(describeReason('en', { kind: 'repeat', ...milk, timesBought: 1 })).toBe('you bought Milk before');
    expect(describeReason('zh-CN', { kind: 'co_purchase', ...milk })).toBe('常与牛奶一起购买');
    expect(describeReason('en', { kind: 'co_purchase', ...milk })).toBe('often bought together with Milk');
    expect(describeReason('en', { kind: 'category', category: 'Dairy' })).toBe('popular in Dairy, a category you like');
    expect(describeReason('zh-CN', { kind: 'popular', category: 'Dairy' })).toBe('Dairy类热销');
    expect(describeReason('en', { kind: 'popular' })).toBe('popular right now');
    expect(describeReason('zh-CN', { kind: 'popular' })).toBe('近期热销');
  });
  it('falls back to the English name in zh-CN when the catalog has no Chinese one', () => {
    expect(describeReason('zh-CN', { kind: 'co_purchase', productId: 'X', productName: 'Bagel', productNameZh: null })).toBe(
      '常与Bagel一起购买',
    );
  });
});

describe('parsePriceBand', () => {
  it.each([
    ['recommend something under 50 yuan', { maxPrice: 50 }],
    ['anything below ¥20?', { maxPrice: 20 }],
    ['gifts between 100 and 300', { minPrice: 100, maxPrice: 300 }],
    ['something over 200 yuan', { minPrice: 200 }],
    ['推荐100元以内的东西', { maxPrice: 100 }],
    ['有没有50到100元的推荐', { minPrice: 50, maxPrice: 100 }],
    ['不超过30块的零食', { maxPrice: 30 }],
    ['200元以上的礼物', { minPrice: 200 }],
    ['¥80-120 的商品', { minPrice: 80, maxPrice: 120 }],
    ['a gift under ¥1,000', { maxPrice: 1_000 }],
    ['1,500元以内的电器', { maxPrice: 1_500 }],
    ['between 1,000 and 2,000 yuan', { minPrice: 1_000, maxPrice: 2_000 }],
  ])('%s', (text, band) => expect(parsePriceBand(text)).toEqual(band));
  it('is part of requests the router sends to recommend_products', () => {
    for (const text of [
      '推荐80元以内的零食',
      '有没有30到60元的好物',
      'anything below 30 yuan you would suggest?',
      'suggest a gift between 150 and 250 yuan',
    ])
      expect(classify(text).intent, text).toBe('recommend_products');
  });
  it('finds no band where the text names none', () => {
    expect(parsePriceBand('recommend 3 things for me')).toEqual({});
    expect(parsePriceBand('给我推荐几样好东西')).toEqual({});
  });
});

describe('estimatePriorStrength', () => {
  /** Moments of a store where each member's orders contain given products. */
  function moments(histories: string[][][]) {
    const productOrders = new Map<string, number>();
    let orders = 0;
    let memberOrderPairs = 0;
    let repeatPairs = 0;
    for (const h of histories) {
      orders += h.length;
      memberOrderPairs += h.length * (h.length - 1);
      const own = new Map<string, number>();
      for (const o of h) for (const p of new Set(o)) own.set(p, (own.get(p) ?? 0) + 1);
      for (const [p, n] of own) {
        repeatPairs += n * (n - 1);
        productOrders.set(p, (productOrders.get(p) ?? 0) + n);
      }
    }
    const counts = [...productOrders.values()];
    return {
      orders,
      weight: orders,
      member_order_pairs: memberOrderPairs,
      product_orders: counts.reduce((a, b) => a + b, 0),
      product_orders_sq: counts.reduce((a, b) => a + b * b, 0),
      repeat_pairs: repeatPairs,
    };
  }
  it('is small when members keep to habits of their own and large when they buy alike', () => {
    const loyal = Array.from({ length: 40 }, (_, i) => Array.from({ length: 6 }, () => [`P${i % 8}`]));
    const alike = Array.from({ length: 40 }, (_, i) => Array.from({ length: 6 }, (_, j) => [`P${(i + j) % 8}`]));
    const kLoyal = estimatePriorStrength(moments(loyal));
    const kAlike = estimatePriorStrength(moments(alike));
    expect(kLoyal).toBeLessThan(2);
    expect(kAlike).toBeGreaterThan(100);
  });
  it('falls back to the default without enough history', () => {
    expect(estimatePriorStrength(undefined)).toBe(100);
    expect(estimatePriorStrength(moments([[['A']], [['B']]]))).toBe(100);
  });
});
