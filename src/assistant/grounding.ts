// Grounding verifier: every number in a model's reply must appear in this turn's tool results or the member's message.

/** Numbers as written: 1,234 / 1234.50 / 2026-07-01 (each date part) / ¥12. */
const NUMBER = /\d[\d,]*(?:\.\d+)?/g;

/** Canonical form so "1,234", "1234" and "1234.00" match, and "12.50" matches 12.5. */
export function canonicalNumber(raw: string): string | null {
  const cleaned = raw.replace(/,/g, '');
  const n = Number(cleaned);
  if (!Number.isFinite(n)) return null;
  return String(n);
}

/** Every number written in a text. */
export function numbersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(NUMBER)) {
    // "2026-07-01" yields 2026, 07, 01; "1,234" stays one number; a trailing comma is punctuation.
    const c = canonicalNumber(m[0].replace(/,+$/, ''));
    if (c !== null) out.push(c);
  }
  return out;
}

/** Collects the numbers of a JSON value: numbers themselves and numbers written inside strings. */
export function numbersOf(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) into.add(String(value));
  } else if (typeof value === 'string') {
    for (const n of numbersIn(value)) into.add(n);
  } else if (Array.isArray(value)) {
    for (const v of value) numbersOf(v, into);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) numbersOf(v, into);
  }
  return into;
}

export interface GroundingResult {
  ok: boolean;
  /** Numbers in the reply that no source contains. */
  ungrounded: string[];
}

/**
 * Checks a reply against its sources. Sources are the turn's tool results, the member's message and
 * fixed policy text (the prompts), never earlier turns: a number must be fetched in the turn that says it.
 */
export function verifyGrounding(
  reply: string,
  sources: { toolResults: unknown[]; memberMessage: string; policyText?: string },
): GroundingResult {
  const allowed = numbersOf(sources.toolResults);
  for (const n of numbersIn(sources.memberMessage)) allowed.add(n);
  if (sources.policyText) for (const n of numbersIn(sources.policyText)) allowed.add(n);
  const ungrounded = [...new Set(numbersIn(reply).filter((n) => !allowed.has(n)))];
  return { ok: ungrounded.length === 0, ungrounded };
}
