// Text utilities shared by training and classification: language detection, normalization, tokens, stems, spelling fixes.
import type { Lang } from './intents.js';

/** CJK unified ideographs (incl. extension A and compatibility block): their presence marks Chinese. */
const CJK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Any CJK ideograph means Chinese; everything else is treated as English. */
export function detectLang(text: string): Lang {
  return CJK_CHAR.test(text) ? 'zh-CN' : 'en';
}

/** Shorthands and chat spellings folded to one form, so a few training examples cover all of them. */
const EN_ALIASES = new Map<string, string>(
  Object.entries({
    u: 'you',
    ya: 'you',
    yu: 'you',
    ur: 'your',
    youre: 'you are',
    r: 'are',
    pls: 'please',
    plz: 'please',
    plse: 'please',
    thx: 'thanks',
    thanx: 'thanks',
    tnx: 'thanks',
    ty: 'thank you',
    tysm: 'thank you',
    thnx: 'thanks',
    thks: 'thanks',
    wanna: 'want to',
    gonna: 'going to',
    gotta: 'got to',
    gimme: 'give me',
    lemme: 'let me',
    dunno: 'do not know',
    dont: 'do not',
    cant: 'can not',
    cannot: 'can not',
    wont: 'will not',
    didnt: 'did not',
    doesnt: 'does not',
    isnt: 'is not',
    havent: 'have not',
    hasnt: 'has not',
    im: 'i am',
    ive: 'i have',
    whats: 'what is',
    wheres: 'where is',
    hows: 'how is',
    whos: 'who is',
    thats: 'that is',
    its: 'it is',
    theres: 'there is',
    whens: 'when is',
    pts: 'points',
    pt: 'point',
    acct: 'account',
    addr: 'address',
    pkg: 'package',
    msg: 'message',
    info: 'information',
    hii: 'hi',
    hiii: 'hi',
    heyy: 'hey',
    hallo: 'hello',
    helo: 'hello',
    hellow: 'hello',
    k: 'ok',
    okay: 'ok',
    okey: 'ok',
    bday: 'birthday',
    b4: 'before',
    rep: 'representative',
    cust: 'customer',
    svc: 'service',
    vouchers: 'voucher',
    promocode: 'promo code',
    bc: 'because',
    coz: 'because',
    cuz: 'because',
  }),
);

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Normalizes width, case and quotes; full-width digits/letters/punctuation become ASCII via NFKC. */
export function normalize(text: string): string {
  // Printable ASCII is already NFKC-normal; skipping the call matters when training on thousands of lines.
  return (PRINTABLE_ASCII.test(text) ? text : text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const stemCache = new Map<string, string>();

/** A light suffix stripper: enough to merge "points/point", "shipped/shipping/ship", "redeeming/redeem". */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemUncached(word);
    // Bounded so a stream of random junk words cannot grow memory without limit.
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

function stemUncached(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length >= 6) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length >= 5) w = w.slice(0, -2);
  // "shipp" -> "ship", "plann" -> "plan"; keep "ll"/"ss" which are usually part of the root (fill, miss).
  if (/([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1); // "arrive"/"arrived" -> "arriv"
  return w;
}

const NON_WORD = /[^a-z0-9]+/;
const HAS_DIGIT = /\d/;
const ALL_DIGITS = /^\d+$/;

/** Splits English-ish text into alias-expanded word tokens, mapping numbers to placeholders. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  // Apostrophes vanish ("what's" -> "whats", an alias) instead of splitting words.
  const parts = (text.includes("'") ? text.replace(/'/g, '') : text).split(NON_WORD);
  const anyDigit = HAS_DIGIT.test(text); // checked once: most text has none, and this runs for every training piece
  for (const raw of parts) {
    if (!raw) continue;
    if (!anyDigit || !HAS_DIGIT.test(raw)) {
      const alias = EN_ALIASES.get(raw); // a Map: "constructor" must not hit Object.prototype
      if (alias === undefined) out.push(raw);
      else out.push(...alias.split(' '));
      continue;
    }
    // Long digit runs are order/invoice numbers; short ones are quantities. "order113542617735902" keeps its word part.
    const digits = raw.replace(/\D/g, '').length;
    if (!ALL_DIGITS.test(raw)) for (const l of raw.split(/\d+/)) if (l) out.push(l);
    out.push(digits >= 6 ? '<longnum>' : '<num>');
  }
  return out;
}

/** Maps an unknown English word to a known one at edit distance 1 (symmetric-delete lookup); built from training vocabulary. */
export class SpellFixer {
  /** deletion variant (or the word itself) -> known words producing it */
  private readonly index = new Map<string, string[]>();
  private readonly freq = new Map<string, number>();

  constructor(words: Iterable<string>) {
    // Frequencies (occurrences in the training text) only rank candidates that are equally close.
    for (const w of words) this.freq.set(w, (this.freq.get(w) ?? 0) + 1);
    for (const w of [...this.freq.keys()].sort()) {
      if (w.length < 4 || /\d|</.test(w)) continue;
      for (const d of [w, ...deletes(w)]) {
        const list = this.index.get(d);
        if (list) list.push(w);
        else this.index.set(d, [w]);
      }
    }
  }

  /** Returns the word itself when known, too short to correct safely, or without a close known word. */
  fix(word: string): string {
    // Long "words" are pasted ids or keyboard mashing; correcting them costs O(length^2) and helps nothing.
    if (word.length < 4 || word.length > 24 || this.freq.has(word) || /\d|</.test(word)) return word;
    const cands = new Set<string>(this.index.get(word) ?? []); // a letter was dropped ("ordr")
    for (const d of deletes(word)) {
      if (this.freq.has(d) && d.length >= 4) cands.add(d); // a letter was added ("filea")
      for (const w of this.index.get(d) ?? []) cands.add(w); // substitution or transposition ("clain", "feedbakc")
    }
    let best: string | null = null;
    let bestKey: [number, number] = [-1, -1];
    for (const c of cands) {
      // Short inputs must not lose letters: "tiger" is not a typo of "tier".
      if (c.length < word.length && word.length < 6) continue;
      if (!withinOneEdit(c, word)) continue; // shared deletions alone also admit some distance-2 pairs
      const key: [number, number] = [commonPrefix(c, word), this.freq.get(c) ?? 0];
      // Typos cluster late in a word, so the longest shared prefix wins; then the more frequent word; then alphabetical.
      if (key[0] > bestKey[0] || (key[0] === bestKey[0] && (key[1] > bestKey[1] || (key[1] === bestKey[1] && best !== null && c < best)))) {
        best = c;
        bestKey = key;
      }
    }
    return best ?? word;
  }
}

/** Damerau distance <= 1: one insertion, deletion, substitution or adjacent transposition. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function deletes(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}
