// Builds a naive Bayes model from a template training set, with carrier-phrase augmentation.
import { expandWith } from './expand.js';
import { INTENTS, type TrainingSet } from './intents.js';
import { NaiveBayes } from './model.js';
import { Features } from './features.js';

/** Upper bound on variants taken from one template line (keeps training fast and balanced). */
const MAX_VARIANTS = 12;
/** Carrier mass per class, as a share of the class's own example mass. */
const PREFIX_SHARE = 0.1;
const SUFFIX_SHARE = 0.1;

/** How one language turns training text into features. */
export interface TrainFeaturizer<U> {
  /** Pre-processes a piece of template text (a whole sentence, or one alternative inside a template). */
  prepare(text: string): U;
  /** Concatenates prepared pieces into one sentence. */
  join(parts: U[]): U;
  /** `partial`: the unit is a fragment (a carrier phrase), so skip whole-message features such as length. */
  features(unit: U, out: Features, partial?: boolean): Features;
}

/** Carrier phrases users wrap around any request, in each language. */
export interface Carriers {
  prefixes: readonly string[];
  suffixes: readonly string[];
}

/**
 * Trains one model from every (capped) template variant. Carrier phrases ("can you help me ...", "你好，...")
 * are then added to every non-chitchat class in proportion to that class's training mass, which makes them
 * class-neutral: a polite or greeting-wrapped request is judged by its content words. (This approximates
 * augmenting each example with a carrier, without the carrier/sentence boundary bigram, at a fraction of
 * the start-up cost.)
 */
export function trainModel<U>(set: TrainingSet, carriers: Carriers, f: TrainFeaturizer<U>, alpha: number): NaiveBayes {
  const nb = new NaiveBayes(INTENTS, alpha);
  const scratch = new Features();
  const add = (unit: U, cls: number, w: number, partial = false) => {
    scratch.clear();
    nb.add(f.features(unit, scratch, partial), cls, w);
  };
  // Template pieces repeat a lot across lines ("my ", " points"): prepare each distinct piece once.
  const memo = new Map<string, U>();
  const prepare = (text: string): U => {
    let u = memo.get(text);
    if (u === undefined) memo.set(text, (u = f.prepare(text)));
    return u;
  };
  const prefixes = carriers.prefixes.map((p) => f.prepare(p));
  const suffixes = carriers.suffixes.map((p) => f.prepare(p));
  INTENTS.forEach((intent, c) => {
    let mass = 0;
    for (const template of set[intent]) {
      const variants = expandWith(template, MAX_VARIANTS, prepare, f.join);
      // A line with n variants weighs sqrt(n) in total, so big templates do not drown hand-written lines.
      const w = 1 / Math.sqrt(variants.length);
      for (const v of variants) add(v, c, w);
      mass += w * variants.length;
    }
    if (intent === 'greeting_chitchat') return; // a bare "hi" or "thanks" must stay chitchat
    for (const p of prefixes) add(p, c, (PREFIX_SHARE * mass) / prefixes.length, true);
    for (const s of suffixes) add(s, c, (SUFFIX_SHARE * mass) / suffixes.length, true);
  });
  nb.finalize();
  return nb;
}
