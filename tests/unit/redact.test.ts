// Log redaction: what may never reach an info-level log line.
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/lib/log.js';
import { PERSONAL_FIELDS, redact, redactErrorMessage, redactStack, redactText } from '../../src/lib/redact.js';

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

  it("drops a failed query's parameters from error messages and stacks, keeping the SQL", () => {
    const message = 'Failed query: insert into "messages" ("text") values (?)\nparams: conv-1,Wang Fang says hi\nsecond line, 13800138000';
    expect(redactErrorMessage(message)).toBe('Failed query: insert into "messages" ("text") values (?)\nparams: [redacted]');
    const err = new Error(message);
    const stack = redactStack(err);
    expect(stack).toMatch(/^Error: Failed query: insert into "messages"/);
    expect(stack).toContain('params: [redacted]');
    expect(stack).toMatch(/\n\s+at /);
    expect(stack).not.toMatch(/Wang Fang|13800138000|second line/);
    expect(redactErrorMessage('disk full for li.lei@example.com')).toBe('disk full for [email]');
  });

  it('masks Chinese and international numbers, but keeps order ids, timestamps and amounts', () => {
    expect(redactText('电话13800138000，或 +44 7700 900123')).toBe('电话[phone]，或 [phone]');
    expect(redactText('order SF7788990011 at 1780300800000, ¥1,999.90, v2026.06.01')).toBe(
      'order SF7788990011 at 1780300800000, ¥1,999.90, v2026.06.01',
    );
  });

  it('treats every personal field name as personal, whatever its case', () => {
    for (const field of ['name', 'email', 'phone', 'text', 'birthday', 'note']) expect(PERSONAL_FIELDS.has(field)).toBe(true);
    expect(redact({ Email: 'x@y.zz', TEXT: 'hello', memberId: 'M1' })).toEqual({ Email: '[redacted]', TEXT: '[redacted]', memberId: 'M1' });
  });

  it('keeps query parameters out of error lines written by the logger', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const err = new Error('Failed query: update "members" set "name" = ?\nparams: Emma Clark,M1');
    createLogger('info').error('write failed', { err });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('Emma Clark');
    expect(JSON.parse(lines[0]).err.message).toBe('Failed query: update "members" set "name" = ?\nparams: [redacted]');
  });

  it("replaces a remote service's error text (which may quote what we sent) by its HTTP status", () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const err = Object.assign(new Error('400 Invalid content: I am Emma Clark and my parcel is lost'), { status: 400 });
    createLogger('info').error('model call failed', { err });
    createLogger('info').warn('plain failure', { err: new Error('socket hang up') });
    expect(lines[0]).not.toMatch(/Emma|parcel/);
    expect(JSON.parse(lines[0]).err).toMatchObject({ message: '[remote error, HTTP 400]', status: 400 });
    expect(JSON.parse(lines[0]).err.stack).toMatch(/^Error: \[remote error, HTTP 400\]\n\s+at /);
    expect(JSON.parse(lines[1]).err).toEqual({ name: 'Error', message: 'socket hang up' });
  });

  it('keeps the message of an HTTP error of our own (it has a status but nothing remote in it)', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    createLogger('info').warn('request refused', { err: new HTTPException(413, { message: 'Body over 65536 bytes' }) });
    expect(JSON.parse(lines[0]).err).toMatchObject({ message: 'Body over 65536 bytes' });
    expect(JSON.parse(lines[0]).err.status).toBeUndefined();
  });
});
