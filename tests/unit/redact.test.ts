// Log redaction: what may never reach an info-level log line.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/lib/log.js';
import { redact, redactText } from '../../src/lib/redact.js';

afterEach(() => vi.restoreAllMocks());

describe('redaction', () => {
  it('masks e-mails, phone numbers and bearer credentials in free text, and leaves ids alone', () => {
    expect(redactText('mail li.lei+vip@example.com or call +86 138-0013-8000, token Bearer abc.def-1')).toBe(
      'mail [email] or call [phone], token Bearer [redacted]',
    );
    expect(redactText('member M0002 order BO-bm-0001-3 at 2026-06-01, 1,234 points')).toBe(
      'member M0002 order BO-bm-0001-3 at 2026-06-01, 1,234 points',
    );
  });

  it('drops personal fields at any depth and keeps the rest', () => {
    expect(
      redact({ memberId: 'M1', name: '王芳', nested: { text: '我的手机号 13800138000', count: 3 }, list: [{ email: 'a@b.co' }] }),
    ).toEqual({
      memberId: 'M1',
      name: '[redacted]',
      nested: { text: '[redacted]', count: 3 },
      list: [{ email: '[redacted]' }],
    });
  });

  it('keeps personal data out of info, warn and error lines, including error messages', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const log = createLogger('info');
    log.info('turn', { memberId: 'M1', text: 'call me at 13800138000' });
    log.error('failed', { err: new Error('could not mail wang.fang@example.com'), phone: '13800138000' });
    log.debug('debug only', { text: 'dropped because the level is info' });
    expect(lines).toHaveLength(2);
    const all = lines.join('\n');
    expect(all).not.toMatch(/13800138000|wang\.fang|call me/);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'turn', memberId: 'M1', text: '[redacted]' });
    expect(JSON.parse(lines[1]).err.message).toBe('could not mail [email]');
  });
});
