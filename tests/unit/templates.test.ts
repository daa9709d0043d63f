// Reply templates: both locales define the same keys with the same variables; rendering is strict.
import { describe, expect, it } from 'vitest';
import en from '../../prompts/en/replies.json';
import zh from '../../prompts/zh-CN/replies.json';
import { countOf, render, TEMPLATE_KEYS } from '../../src/assistant/templates.js';
import { DEFAULT_TIERS } from '../../db/seed/program.js';

const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('reply templates', () => {
  it('have the same keys and variables in zh-CN and en', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of TEMPLATE_KEYS) expect(vars(zh[key]), key).toEqual(vars(en[key]));
  });

  it('substitute variables and refuse to send a placeholder', () => {
    expect(render('en', 'points_balance', { balance: '1,234' })).toBe('You have 1,234 points.');
    expect(render('zh-CN', 'points_balance', { balance: '1,234' })).toBe('您当前有 1,234 积分。');
    expect(() => render('en', 'points_balance')).toThrow(/balance/);
  });

  it('do not evaluate anything: a value with braces is inserted as text', () => {
    expect(render('en', 'link_success', { name: '{{balance}} ${process}' })).toContain('{{balance}} ${process}');
    // Replacement patterns of String.prototype.replace mean nothing here either.
    expect(render('en', 'link_success', { name: "$& $1 $$ $` $'" })).toContain("$& $1 $$ $` $'");
  });

  it('render every template of both locales, each variable in its place', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const key of TEMPLATE_KEYS) {
        const source = (lang === 'en' ? en : zh)[key];
        const names = vars(source);
        const given = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
        expect(render(lang, key, given), `${lang}/${key}`).toBe(source.replace(/\{\{(\w+)\}\}/g, '<$1>'));
      }
    }
  });

  it('read naturally with every tier name of the default program ("普通会员" is not followed by another 会员)', () => {
    for (const tier of DEFAULT_TIERS) {
      const zhText = render('zh-CN', 'tier_current', { tier: tier.nameZh, multiplier: 1, spend: '0', months: 12 });
      expect(zhText).toContain(`等级是${tier.nameZh}（`);
      expect(zhText).not.toMatch(/会员会员/);
    }
  });

  it('count things with the right English plural', () => {
    expect(countOf('en', 1, 'order')).toBe('1 order');
    expect(countOf('en', 0, 'order')).toBe('0 orders');
    expect(countOf('en', 3, 'item')).toBe('3 items');
    expect(countOf('en', 1, 'minute')).toBe('1 minute');
    expect(countOf('zh-CN', 1, 'order')).toBe('1 笔订单');
    expect(render('en', 'order_line', { id: 'A1', date: 'd', total: '9', items: countOf('en', 1, 'item'), status: 's' })).toContain(
      '1 item)',
    );
  });
});
