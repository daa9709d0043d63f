// Structured JSON logs. Personal data (names, message bodies) never goes in at info level: pass ids.
import { redact, redactStack, remoteStatus, safeErrorMessage } from './redact.js';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing one JSON line per event to stderr (stdout stays free for CLI output). */
export function createLogger(level: LogLevel = 'info'): Logger {
  const min = ORDER[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    // Callers pass ids, but a field or an error message can still carry personal data: above debug,
    // personal fields are dropped and contact details masked (src/lib/redact.ts).
    const safe = lvl === 'debug' ? fields : (redact(fields) as Record<string, unknown> | undefined);
    const e = fields?.err instanceof Error ? fields.err : undefined;
    const err = e
      ? {
          err: {
            name: e.name,
            message: lvl === 'debug' ? e.message : safeErrorMessage(e),
            status: remoteStatus(e),
            stack: lvl === 'error' ? redactStack(e) : undefined,
          },
        }
      : {};
    console.error(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...safe, ...err }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
