// Redaction for logs: personal data (names, contact details, message bodies) never reaches info-level logs.
import { HTTPException } from 'hono/http-exception';

/** Field names whose values are personal data or message content: dropped from logs above debug. */
export const PERSONAL_FIELDS = new Set([
  'name',
  'email',
  'phone',
  'text',
  'body',
  'message_text',
  'content',
  'comment',
  'note',
  'password',
  'token',
  'authorization',
  'address',
  'birthday',
]);

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/**
 * Phone numbers: E.164 with a leading + (+86 138 0013 8000), Chinese mobiles (13800138000, 138-0013-8000) and
 * North American (555-123-4567). Dates (2026-06-01), ids and amounts do not match.
 */
const PHONE =
  /\+\d{1,3}(?:[\s.-]?\d){7,14}(?!\d)|(?<![\w-])1[3-9]\d(?:[\s-]?\d{4}){2}(?![\w-])|(?<![\w-])\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w-])/g;
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;

/** Masks e-mail addresses, phone numbers and bearer credentials inside free text. */
export function redactText(text: string): string {
  return text.replace(BEARER, '$1 [redacted]').replace(EMAIL, '[email]').replace(PHONE, '[phone]');
}

/**
 * A copy of `value` safe for logs: personal fields replaced by "[redacted]", strings masked, depth and
 * size bounded (a log line is not a data dump). Ids, counts and codes pass through unchanged.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value.length > 2_000 ? `${value.slice(0, 2_000)}…` : value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = PERSONAL_FIELDS.has(k.toLowerCase()) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/** drizzle's query errors append the bound parameters (message text, names, contact details) to the SQL. */
const QUERY_PARAMS = /(\nparams: )[\s\S]*$/;

/**
 * An error message safe for logs: a failed query keeps its SQL (no values; they are bound) but loses its
 * parameters, and contact details are masked in the rest.
 */
export function redactErrorMessage(message: string): string {
  return redactText(message.replace(QUERY_PARAMS, '$1[redacted]'));
}

/**
 * The HTTP status of an error from a remote service (an API client's error: OpenAI, a channel's API), if it is one.
 * Such errors carry the service's own error text, which may quote what we sent it (a member's message).
 */
export function remoteStatus(err: Error): number | undefined {
  // Hono's HTTPException carries the status of a response we make, with our own message: not remote.
  if (err instanceof HTTPException) return undefined;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status < 600 ? status : undefined;
}

/** An error's message for logs above debug: a remote service's text is replaced by its status; see redactErrorMessage. */
export function safeErrorMessage(err: Error): string {
  const status = remoteStatus(err);
  return status === undefined ? redactErrorMessage(err.message) : `[remote error, HTTP ${status}]`;
}

/** A stack safe for logs: its first lines repeat the message, which is replaced the same way. */
export function redactStack(err: Error): string {
  const stack = err.stack ?? '';
  const head = `${err.name}: ${err.message}`;
  if (stack.startsWith(head)) return `${err.name}: ${safeErrorMessage(err)}${redactText(stack.slice(head.length))}`;
  // A stack that does not start with the message (rewritten by a library): keep only its frames.
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return `${err.name}: ${safeErrorMessage(err)}${frames.length ? `\n${redactText(frames.join('\n'))}` : ''}`;
}
