// Grounding verifier and conversation-memory bounds.
import { describe, expect, it } from 'vitest';
import { numbersIn, verifyGrounding } from '../../src/assistant/grounding.js';
import { estimateTokens, trimMemory } from '../../src/assistant/memory.js';

describe('numbersIn', () => {
  it('reads numbers as members see them', () => {
    expect(numbersIn('You have 1,234 points, ¥12.50 off, by 2026-07-01.')).toEqual(['1234', '12.5', '2026', '7', '1']);
    expect(numbersIn('您有 5,000 积分。')).toEqual(['5000']);
    expect(numbersIn('no numbers')).toEqual([]);
  });
});

describe('verifyGrounding', () => {
  const toolResults = [
    { balance: 1234, expiringSoon: { points: 200, before: '2026-07-01' } },
    { tiers: [{ threshold: 2000, multiplier: 1.2 }] },
  ];
  it('passes when every number comes from the tools or the member', () => {
    expect(verifyGrounding('You have 1,234 points; 200 expire by 2026-07-01.', { toolResults, memberMessage: '' }).ok).toBe(true);
    expect(verifyGrounding('Silver needs ¥2,000 and earns 1.2x.', { toolResults, memberMessage: '' }).ok).toBe(true);
    expect(verifyGrounding('Order 778812 is on its way.', { toolResults: [], memberMessage: 'where is order 778812' }).ok).toBe(true);
  });
  it('fails on an invented or recomputed number and names it', () => {
    expect(verifyGrounding('You have 1,243 points.', { toolResults, memberMessage: '' })).toEqual({ ok: false, ungrounded: ['1243'] });
    expect(verifyGrounding('That is 1,434 in total.', { toolResults, memberMessage: '' }).ok).toBe(false);
  });
});

describe('memory bounds', () => {
  it('keeps the newest messages within count and token limits, never starting with the assistant', () => {
    const msgs = Array.from({ length: 20 }, (_, i) => ({
      role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
      content: `message ${i}`,
    }));
    const kept = trimMemory(msgs, { maxMessages: 6, maxTokens: 1000, ttlSeconds: 60 });
    expect(kept.map((m) => m.content)).toEqual(['message 14', 'message 15', 'message 16', 'message 17', 'message 18', 'message 19']);
    expect(kept[0].role).toBe('user');
    expect(kept.at(-1)?.content).toBe('message 19');
    const long = trimMemory(
      [
        { role: 'user', content: '积'.repeat(900) },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: '积'.repeat(900) },
      ],
      {
        maxMessages: 10,
        maxTokens: 1000,
        ttlSeconds: 60,
      },
    );
    expect(long).toHaveLength(1);
    expect(estimateTokens('积分abcd')).toBe(3);
  });
});
