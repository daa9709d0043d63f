// A small multinomial naive Bayes over weighted n-gram features, trained in memory at first use.
import type { Features } from './features.js';

/** Pseudo-count for the informativeness weight (small: a word seen in one class only is highly informative). */
const WEIGHT_PSEUDO_COUNT = 0.05;

/** Per-class log scores for one input, plus how much of its feature mass the model has seen before. */
/** Per-intent arrays are plain number arrays: a dozen doubles, which V8 allocates far faster than a typed array. */
export interface Scores {
  logits: number[];
  known: number;
  total: number;
}

/**
 * Multinomial NB with Laplace smoothing and uniform class priors (the out-of-scope class is much larger in
 * training and must not win by size alone), plus a per-feature informativeness weight (see finalize()).
 * Deterministic. Storage is flat typed arrays indexed by feature id, which keeps training allocation-light.
 */
export class NaiveBayes {
  private readonly ids = new Map<number, number>();
  private counts: Float64Array;
  private readonly totals: Float64Array;
  private logProb = new Float64Array(0);
  private weight = new Float64Array(0);
  private readonly k: number;

  constructor(
    readonly classes: readonly string[],
    private readonly alpha = 0.3,
  ) {
    this.k = classes.length;
    this.totals = new Float64Array(this.k);
    this.counts = new Float64Array(4096 * this.k);
  }

  /** Number of distinct features seen in training. */
  get size(): number {
    return this.ids.size;
  }

  /** Adds one example (its feature weights scaled by `weight`). */
  add(features: Features, cls: number, weight = 1): void {
    const k = this.k;
    const { keys, vals, length } = features;
    for (let i = 0; i < length; i++) {
      const f = keys[i];
      const v = vals[i];
      let id = this.ids.get(f);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(f, id);
        if ((id + 1) * k > this.counts.length) {
          const grown = new Float64Array(this.counts.length * 2);
          grown.set(this.counts);
          this.counts = grown;
        }
      }
      this.counts[id * k + cls] += v * weight;
      this.totals[cls] += v * weight;
    }
  }

  /**
   * Turns counts into smoothed log probabilities; call once after all add() calls.
   * Also computes each feature's informativeness = 1 - normalized entropy of its training counts over the
   * classes: carrier words spread over every class ("i", "need", "help") get ~0 weight, words owned by one
   * class keep ~1. Plain NB lets the many uninformative words of a long sentence outvote its one decisive word.
   * Raw counts (not per-class rates) are used on purpose: rates would dilute every out-of-scope word, because
   * that class is by far the largest, and "refund" would stop counting as evidence.
   */
  finalize(): void {
    const k = this.k;
    const V = this.ids.size;
    const logDenom = new Float64Array(k);
    for (let c = 0; c < k; c++) logDenom[c] = Math.log(this.totals[c] + this.alpha * V);
    const logK = Math.log(k);
    this.logProb = new Float64Array(V * k);
    this.weight = new Float64Array(V);
    const q = new Float64Array(k);
    for (let id = 0; id < V; id++) {
      const base = id * k;
      let z = 0;
      for (let c = 0; c < k; c++) {
        const n = this.counts[base + c] + this.alpha;
        this.logProb[base + c] = Math.log(n) - logDenom[c];
        z += q[c] = this.counts[base + c] + WEIGHT_PSEUDO_COUNT;
      }
      let h = 0;
      for (let c = 0; c < k; c++) if (q[c] > 0) h -= (q[c] / z) * Math.log(q[c] / z);
      this.weight[id] = Math.max(0, 1 - h / logK);
    }
    this.counts = new Float64Array(0); // no longer needed
  }

  /** Sums weighted log P(feature|class) over known features; unknown features carry no class evidence and are skipped. */
  score(features: Features): Scores {
    const k = this.k;
    const logits = zeros(k);
    let known = 0;
    let total = 0;
    const { keys, vals, length } = features;
    for (let i = 0; i < length; i++) {
      const v = vals[i];
      total += v;
      const f = keys[i];
      const id = this.ids.get(f);
      if (id === undefined) continue;
      known += v;
      const w = v * this.weight[id];
      const base = id * k;
      for (let c = 0; c < k; c++) logits[c] += w * this.logProb[base + c];
    }
    return { logits, known, total };
  }
}

/** Softmax with a temperature; the NB log-likelihoods are far too peaked to read as probabilities directly. */
export function softmax(logits: readonly number[], temperature: number): number[] {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = zeros(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp((logits[i] - max) / temperature);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** `n` zeros as a plain (double-packed) array. */
export function zeros(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0);
  return out;
}
