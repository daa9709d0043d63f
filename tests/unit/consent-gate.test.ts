// Consent keywords: whole message only, any case, full-width forms, trailing punctuation; the reply language.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consentLang, parseConsentCommand } from '../../src/turn/consent-gate.js';

describe('parseConsentCommand', () => {
  it('reads every opt-out and opt-in keyword, in any case, trimmed, full-width or with trailing punctuation', () => {
    for (const t of [
      'STOP',
      'stop',
      ' Stop ',
      'ＳＴＯＰ',
      'ｓｔｏｐ！',
      'STOP.',
      'unsubscribe',
      'UNSUBSCRIBE!',
      '退订',
      '退订。',
      ' 取消订阅 ',
    ]) {
      expect(parseConsentCommand(t)?.command, t).toBe('opt_out');
    }
    for (const t of ['START', 'start', 'Ｓｔａｒｔ', 'subscribe', 'Subscribe!', '订阅', '订阅！']) {
      expect(parseConsentCommand(t)?.command, t).toBe('opt_in');
    }
  });

  it('ignores messages that only contain a keyword (they go to the assistant as usual)', () => {
    for (const t of ['stop waiting', 'please unsubscribe me', '我想退订', '订阅号', 'STOP STOP', 'start over', '取消', 'stopp', '']) {
      expect(parseConsentCommand(t), t).toBeNull();
    }
  });

  it('never reads a message as a command unless it is exactly a keyword (property)', () => {
    const keywords = ['stop', 'unsubscribe', '退订', '取消订阅', 'start', 'subscribe', '订阅'];
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const r = parseConsentCommand(s);
        if (r) expect(keywords).toContain(r.keyword);
        else expect(keywords).not.toContain(s.normalize('NFKC').trim().toLowerCase());
      }),
    );
  });

  it('reads every keyword in any case, padding, full width and trailing punctuation, and nothing with more words (property)', () => {
    const keywords = ['stop', 'unsubscribe', '退订', '取消订阅', 'start', 'subscribe', '订阅'];
    const fullWidth = (w: string) => [...w].map((ch) => (/[a-z]/i.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join('');
    const variant = fc.record({
      keyword: fc.constantFrom(...keywords),
      upper: fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
      wide: fc.boolean(),
      before: fc.constantFrom('', ' ', '  ', '\t', '\u3000'),
      after: fc.constantFrom('', ' ', '.', '!', '。', '！', ' !'),
    });
    fc.assert(
      fc.property(variant, fc.constantFrom('please', 'now', '一下'), ({ keyword, upper, wide, before, after }, extra) => {
        let w = [...keyword].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
        if (wide) w = fullWidth(w);
        expect(parseConsentCommand(`${before}${w}${after}`)?.keyword).toBe(keyword);
        expect(parseConsentCommand(`${before}${w} ${extra}${after}`)).toBeNull();
      }),
    );
  });

  it('answers Chinese keywords in Chinese, English words in English, STOP/START in the member’s language', () => {
    expect(consentLang('退订', 'en')).toBe('zh-CN');
    expect(consentLang('unsubscribe', 'zh-CN')).toBe('en');
    expect(consentLang('stop', 'zh-CN')).toBe('zh-CN');
    expect(consentLang('start', 'en')).toBe('en');
  });
});
