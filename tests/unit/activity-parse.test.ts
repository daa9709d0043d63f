// The Bot Framework route's zod-free check of an activity accepts only what the activity schema accepts, unchanged.
import { describe, expect, it } from 'vitest';
import { activitySchema, isPlainActivity } from '../../src/channels/botframework/route.js';

const base = () => ({
  type: 'message',
  id: 'act-1',
  timestamp: '2026-12-01T00:00:00.000Z',
  channelId: 'emulator',
  serviceUrl: 'http://127.0.0.1:3978/',
  from: { id: 'user-1', name: 'User' },
  recipient: { id: 'bot', name: 'Bot' },
  conversation: { id: 'conv-1' },
  text: 'how many points do I have',
  locale: 'en-US',
  entities: [{ type: 'mention', text: '<at>bot</at>', mentioned: { id: 'bot' } }],
  membersAdded: [{ id: 'user-1' }],
  attachments: [{ contentType: 'image/png' }],
  channelData: { tenant: { id: 't' } },
});

/** Values a field may be swapped for: wrong types, edges of the limits, URLs zod trims or refuses. */
const SWAPS: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  0,
  1,
  true,
  [],
  {},
  [{}],
  [{ id: 'x' }],
  [{ type: 'mention' }],
  [{ type: 7 }],
  [null],
  { id: '' },
  { id: 'x' },
  { id: 7 },
  { id: 'x', name: 7 },
  { id: 'x'.repeat(257) },
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(513),
  'https://example.com/path?q=1',
  'HTTPS://EXAMPLE.COM',
  ' https://example.com',
  'https://example.com ',
  'https://exa\nmple.com',
  'https:///example.com',
  'https:example.com',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'http://[::1]:3978/',
  'http://exa mple.com',
  'http://%zz',
  'http://例子.com/',
  `https://example.com/${'a'.repeat(2030)}`,
  `https://example.com/${'a'.repeat(2040)}`,
  Array.from({ length: 51 }, () => ({})),
  Array.from({ length: 101 }, () => ({ type: 'x' })),
];

function* variants(): Generator<unknown> {
  yield base();
  const fields = Object.keys(base());
  for (const field of [...fields, 'from.id', 'from.name', 'recipient.id', 'conversation.id']) {
    for (const swap of SWAPS) {
      const b = base() as Record<string, unknown>;
      const [outer, inner] = field.split('.');
      if (inner) (b[outer] as Record<string, unknown>)[inner] = swap;
      else b[outer] = swap;
      yield b;
    }
  }
  yield null;
  yield [];
  yield 'message';
  yield {};
}

describe('isPlainActivity', () => {
  it('accepts only bodies the activity schema accepts, and then the schema returns them unchanged', () => {
    let plain = 0;
    let total = 0;
    for (const body of variants()) {
      total += 1;
      if (!isPlainActivity(body)) continue;
      plain += 1;
      const parsed = activitySchema.safeParse(body);
      expect(parsed.success, JSON.stringify(body).slice(0, 200)).toBe(true);
      expect(parsed.data).toEqual(body);
    }
    // The check is worth having only if ordinary activities take it.
    expect(isPlainActivity(base())).toBe(true);
    expect(plain).toBeGreaterThan(total / 4);
  });
});
