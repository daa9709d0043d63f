// Test support: a logger that keeps what it was told, to assert on warnings (never on message text).
import type { Logger } from '../../src/lib/log.js';

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

export function captureLogger(): Logger & { entries: CapturedLog[]; count(msg: RegExp, level?: CapturedLog['level']): number } {
  const entries: CapturedLog[] = [];
  const at = (level: CapturedLog['level']) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    count: (msg, level) => entries.filter((e) => msg.test(e.msg) && (!level || e.level === level)).length,
  };
}
