// The channel contract's pure parts: fitting replies to a channel, splitting text, messaging windows.
import { describe, expect, it } from 'vitest';
import { BOT_FRAMEWORK_CAPABILITIES } from '../../src/channels/botframework/channel.js';
import { type ChannelCapabilities, fitReplies, openWindow, splitText } from '../../src/channels/contract.js';
import { LINE_CAPABILITIES } from '../../src/channels/line/channel.js';
import { WECHAT_CAPABILITIES, WECHAT_RULES } from '../../src/channels/wechat/channel.js';

const yesNo = [
  { title: 'yes', value: 'yes' },
  { title: 'no', value: 'no' },
];

describe('splitText', () => {
  it('keeps short text whole and splits long text at paragraph, line or word breaks', () => {
    expect(splitText('hello', 10)).toEqual(['hello']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('line one\nline two\n\npara', 12)).toEqual(['line one', 'line two', 'para']);
    const pieces = splitText('x'.repeat(25), 10);
    expect(pieces).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('counts UTF-8 bytes where the platform does, and never cuts an emoji in half', () => {
    const zh = '积'.repeat(1000); // 3000 bytes
    const pieces = splitText(zh, 2048, 2048);
    expect(pieces.every((p) => new TextEncoder().encode(p).length <= 2048)).toBe(true);
    expect(pieces.join('')).toBe(zh);
    const emoji = '😀'.repeat(6);
    expect(splitText(emoji, 5).join('')).toBe(emoji);
    expect(splitText(emoji, 5).every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });
});

describe('fitReplies', () => {
  it('keeps buttons where the channel shows them, trimmed to its count and label length', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ title: `option number ${i} with a long label`, value: `v${i}` }));
    const [line] = fitReplies(LINE_CAPABILITIES, [{ text: 'pick', suggestions: many }], { proactive: false });
    expect(line.suggestions).toHaveLength(13);
    expect(line.suggestions!.every((s) => [...s.title].length <= 20)).toBe(true);
    expect(line.suggestions![0].value).toBe('v0');
    expect(fitReplies(BOT_FRAMEWORK_CAPABILITIES, [{ text: 'ok?', suggestions: yesNo }], { proactive: false })[0].suggestions).toEqual(
      yesNo,
    );
  });

  it('writes choices into the text where buttons cannot be shown (WeChat passive replies), unless the text names them', () => {
    const [named] = fitReplies(WECHAT_CAPABILITIES, [{ text: 'Reply "yes" or "no".', suggestions: yesNo }], { proactive: false });
    expect(named).toEqual({ text: 'Reply "yes" or "no".' });
    const [listed] = fitReplies(WECHAT_CAPABILITIES, [{ text: 'Rate us', suggestions: [{ title: '满意', value: 'csat 5' }] }], {
      proactive: false,
    });
    expect(listed.text).toBe('Rate us\n\n[满意]');
    // Proactively (customer-service messages) WeChat has menu messages, so the buttons stay.
    const [menu] = fitReplies(WECHAT_CAPABILITIES, [{ text: 'Rate us', suggestions: yesNo }], { proactive: true });
    expect(menu.suggestions).toEqual(yesNo);
  });

  it('puts the buttons on the last piece of a split text', () => {
    const caps: ChannelCapabilities = { ...LINE_CAPABILITIES, maxTextChars: 10 };
    const out = fitReplies(caps, [{ text: 'aaaa bbbb cccc', suggestions: yesNo }], { proactive: true });
    expect(out).toEqual([{ text: 'aaaa bbbb' }, { text: 'cccc', suggestions: yesNo }]);
  });
});

describe('openWindow', () => {
  const h = 3600_000;
  it('opens 48 hours (5 messages) after a message and one minute (3) after a click, the longer one winning', () => {
    const t0 = 1_000_000_000_000;
    expect(openWindow(WECHAT_RULES, undefined, t0)).toBeNull();
    expect(openWindow(WECHAT_RULES, { lastMessageAt: t0 }, t0 + 47 * h)).toEqual({ openedAt: t0, closesAt: t0 + 48 * h, maxMessages: 5 });
    expect(openWindow(WECHAT_RULES, { lastMessageAt: t0 }, t0 + 48 * h)).toBeNull();
    expect(openWindow(WECHAT_RULES, { lastEventAt: t0 }, t0 + 30_000)).toEqual({ openedAt: t0, closesAt: t0 + 60_000, maxMessages: 3 });
    expect(openWindow(WECHAT_RULES, { lastEventAt: t0 }, t0 + 61_000)).toBeNull();
    expect(openWindow(WECHAT_RULES, { lastMessageAt: t0, lastEventAt: t0 + h }, t0 + h + 1)?.maxMessages).toBe(5);
    expect(openWindow({ windows: [], serviceTemplates: false }, undefined, t0)).toBeNull();
  });
});
