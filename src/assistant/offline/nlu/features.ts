// Numeric feature extraction: English stem uni/bigrams and Chinese character 1-3 grams, keyed by numbers, not strings.
import { SpellFixer, stem, wordTokens } from './text.js';

/*
 * Why numbers: each model is trained from thousands of sentences when first used (including on every
 * Worker cold start). Building and hashing a fresh string per n-gram dominated that cost; integer keys
 * (token ids / UTF-16 codes packed with a 3-bit feature kind) are several times cheaper and collision-free
 * within the ranges used below (all keys stay under 2^53).
 */

/**
 * A reusable list of (key, weight) pairs. Training refills one buffer per sentence instead of allocating a Map;
 * a feature repeated in a sentence is simply listed twice (multinomial counts), in training and at inference alike.
 */
export class Features {
  keys = new Float64Array(64);
  vals = new Float64Array(64);
  length = 0;
  /** Empties the list, keeping its storage. */
  clear(): this {
    this.length = 0;
    return this;
  }
  /** Appends one feature, growing storage by doubling. */
  push(key: number, val: number): void {
    if (this.length === this.keys.length) {
      const keys = new Float64Array(this.length * 2);
      const vals = new Float64Array(this.length * 2);
      keys.set(this.keys);
      vals.set(this.vals);
      this.keys = keys;
      this.vals = vals;
    }
    this.keys[this.length] = key;
    this.vals[this.length++] = val;
  }
}

const KIND = 8; // low 3 bits of every key: the feature kind
const EN_UNI = 1;
const EN_BI = 2;
const EN_START = 3;
const EN_SHORT = 4;
const ZH_UNI = 1;
const ZH_BI = 2;
const ZH_TRI = 3;
const ZH_START = 4;
const ZH_END = 5;
const ZH_QUESTION = 6;
const ZH_LATIN = 7;
const TOKEN_SPACE = 2 ** 21; // English vocabularies stay far below two million stems

/**
 * Maps English stems to ids. While training it grows its vocabulary and records the surface words seen;
 * after freeze() unseen words are first spelling-corrected against those words, and stems still unknown get
 * per-call negative ids that match no trained feature.
 */
export class EnglishFeaturizer {
  private readonly vocab = new Map<string, number>();
  private readonly words: string[] = [];
  private frozen = false;
  private fixer: SpellFixer | null = null;

  /** @param correct whether to spelling-correct unknown words at inference */
  constructor(private readonly correct = true) {}

  /** Ends training: the vocabulary stops growing and spelling correction switches on. */
  freeze(): void {
    this.frozen = true;
  }

  /** Built on first use: most of its cost is indexing the vocabulary, which a message of known words never needs. */
  get spell(): SpellFixer | null {
    if (!this.correct || !this.frozen) return null;
    return (this.fixer ??= new SpellFixer(this.words));
  }

  /** Surface tokens after alias expansion and (once frozen) spelling correction: what anchors are matched against. */
  tokens(normalized: string): string[] {
    const toks = wordTokens(normalized);
    if (!this.frozen) {
      for (const t of toks) this.words.push(t);
      return toks;
    }
    let spell: SpellFixer | null | undefined;
    for (let i = 0; i < toks.length; i++) {
      if (this.vocab.has(stem(toks[i]))) continue;
      spell ??= this.spell;
      if (spell) toks[i] = spell.fix(toks[i]);
    }
    return toks;
  }

  /** Token ids of normalized text (or of already computed tokens). */
  ids(normalized: string, toks = this.tokens(normalized)): number[] {
    const out = new Array<number>(toks.length);
    let unknown = 0;
    for (let i = 0; i < toks.length; i++) {
      const s = stem(toks[i]);
      let id = this.vocab.get(s);
      if (id === undefined) {
        if (this.frozen) id = -1 - unknown++;
        else this.vocab.set(s, (id = this.vocab.size));
      }
      out[i] = id;
    }
    return out;
  }

  /** Unigrams, bigrams, the first word (question form matters: "how", "where") and a short-message flag. */
  features(ids: readonly number[], out: Features, partial = false): Features {
    const n = ids.length;
    for (let i = 0; i < n; i++) {
      out.push(ids[i] * KIND + EN_UNI, 1);
      if (i + 1 < n) out.push((ids[i] * TOKEN_SPACE + ids[i + 1]) * KIND + EN_BI, 1);
    }
    if (n > 0) out.push(ids[0] * KIND + EN_START, 0.5);
    if (n <= 2 && !partial) out.push(EN_SHORT, 0.5);
    return out;
  }
}

const NUMBER_RANGE = /\d+(?:\.\d+)?(?:\s*[-~]\s*\d+(?:\.\d+)?)?/g;
const CJK_OR_HASH_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff#]+/g;

/** Chinese features: char 1-3 grams per CJK run, run-boundary marks, a question flag, and embedded Latin words. */
export class ChineseFeaturizer {
  /** Latin words inside Chinese text ("wifi", "ok") reuse the English scheme, in their own key space. */
  private readonly latin = new EnglishFeaturizer(false);
  /** Their features, copied into the output at once: one buffer reused rather than two typed arrays per call. */
  private readonly latinScratch = new Features();

  /** Ends training (only the embedded-Latin vocabulary grows during it). */
  freeze(): void {
    this.latin.freeze();
  }

  /** Chinese needs no tokenization beyond the normalized string itself. */
  prepare(normalized: string): string {
    // Numbers and ranges ("4.5分", "20-50元") become one placeholder so prices and scores generalize.
    return normalized.replace(NUMBER_RANGE, '#');
  }

  /** Appends the features of a prepared string to `out`. */
  features(t: string, out: Features): Features {
    // All ideographs matched here are in the BMP, so UTF-16 code units are characters.
    for (const m of t.matchAll(CJK_OR_HASH_RUN)) {
      const run = m[0];
      const n = run.length;
      let prev2 = -1;
      let prev1 = -1;
      for (let i = 0; i < n; i++) {
        const c = run.charCodeAt(i);
        out.push(c * KIND + ZH_UNI, 0.5);
        if (prev1 >= 0) out.push((prev1 * 65536 + c) * KIND + ZH_BI, 1);
        if (prev2 >= 0) out.push(((prev2 * 65536 + prev1) * 65536 + c) * KIND + ZH_TRI, 1);
        prev2 = prev1;
        prev1 = c;
      }
      out.push(run.charCodeAt(0) * KIND + ZH_START, 0.5);
      out.push(run.charCodeAt(n - 1) * KIND + ZH_END, 0.5);
    }
    if (/[a-z]{2,}/.test(t)) {
      const latin = t.replace(CJK_OR_HASH_RUN, ' ');
      // Shift English keys into their own space: key * 8 + 7 never equals a Chinese key (kinds 1-6).
      const tmp = this.latin.features(this.latin.ids(latin), this.latinScratch.clear());
      for (let i = 0; i < tmp.length; i++) out.push(tmp.keys[i] * KIND + ZH_LATIN, tmp.vals[i]);
    }
    if (t.includes('?') || t.includes('？')) out.push(ZH_QUESTION, 1);
    return out;
  }
}
