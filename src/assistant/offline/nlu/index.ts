// Public face of the offline bilingual intent classifier: naive Bayes over n-gram features, anchors and keyword rules.
import { hasAnchor } from './anchors.js';
import { INTENTS, type Classification, type Intent, type Lang } from './intents.js';
import { type NaiveBayes, softmax, zeros } from './model.js';
import { applyRules } from './rules.js';
import { ChineseFeaturizer, EnglishFeaturizer, Features } from './features.js';
import { detectLang, normalize } from './text.js';
import { trainModel, type Carriers, type TrainFeaturizer } from './train.js';
import { TRAINING_EN } from './training-en.js';
import { TRAINING_ZH } from './training-zh.js';

export { INTENTS, detectLang };
export type { Classification, Intent, Lang };

const OOS = INTENTS.indexOf('out_of_scope');
/** Inputs longer than this are cut: intent cues sit at the start, and it bounds the cost of pasted essays. */
const MAX_CHARS = 400;

interface LangModel {
  nb: NaiveBayes;
  /** Features for the model, and the text form anchors are matched against. */
  /**
   * Features of one normalized text. The list is the model's own scratch buffer, valid until its next call:
   * inference is synchronous and reads it at once (a fresh Features costs two typed arrays, most of a short
   * message's classification).
   */
  analyze: (normalized: string) => { features: Features; clean: string };
  /** Softmax temperature per sqrt(feature mass): NB log-likelihoods are far too peaked to read as probabilities. */
  temperature: number;
  /** In-scope answers below this confidence become out_of_scope. */
  threshold: number;
  /** Builds anything else that is otherwise built lazily (the English spelling index). */
  warm: () => void;
}

/** Carrier phrases users wrap around requests; see trainModel(). */
const EN_CARRIERS: Carriers = {
  prefixes: [
    'can you help me ',
    'i need help ',
    'please ',
    'i want to know ',
    "i don't know how to ",
    'could you ',
    'i need assistance ',
    'hi, ',
    'hello, ',
    'hey ',
    'excuse me, ',
    'quick question, ',
    'i would like to ',
    'i have to ',
    'i am trying to ',
    'help me ',
    'i was wondering ',
    'how can i ',
    'what do i need to do to ',
  ],
  suffixes: [' please', ' thanks', ', can you help', ' for me', ' now', ' thank you', ' help me', '?'],
};
const ZH_CARRIERS: Carriers = {
  prefixes: ['你好，', '您好，', '请问', '麻烦', '帮我', '我想问一下', '亲，', '那', '好的，', '嗯，', '谢谢，', '我想知道', '在吗，'],
  suffixes: ['，谢谢', '吗', '呢', '？', '，麻烦了', '啊', '呀', '，谢谢你！', '。'],
};

function buildEnglish(): LangModel {
  const fx = new EnglishFeaturizer();
  const featurizer: TrainFeaturizer<number[]> = {
    prepare: (s) => fx.ids(normalize(s)),
    join: (parts) => {
      const out: number[] = [];
      for (const p of parts) for (const id of p) out.push(id);
      return out;
    },
    features: (u, out, partial) => fx.features(u, out, partial),
  };
  const nb = trainModel(TRAINING_EN, EN_CARRIERS, featurizer, 0.3);
  fx.freeze();
  const scratch = new Features();
  return {
    nb,
    analyze: (s) => {
      const toks = fx.tokens(s);
      return { features: fx.features(fx.ids(s, toks), scratch.clear()), clean: toks.join(' ') };
    },
    temperature: 0.25,
    threshold: 0.5,
    warm: () => void fx.spell,
  };
}

function buildChinese(): LangModel {
  const fx = new ChineseFeaturizer();
  const featurizer: TrainFeaturizer<string> = {
    // Pieces are normalized one by one (NFKC of a piece equals that piece of the NFKC'd whole for this text).
    prepare: (s) => fx.prepare(normalize(s)),
    join: (parts) => parts.join(''),
    features: (u, out) => fx.features(u, out),
  };
  const nb = trainModel(TRAINING_ZH, ZH_CARRIERS, featurizer, 0.3);
  fx.freeze();
  const scratch = new Features();
  return {
    nb,
    analyze: (s) => ({ features: fx.features(fx.prepare(s), scratch.clear()), clean: s }),
    temperature: 0.25,
    threshold: 0.5,
    warm: () => {},
  };
}

// Each language's model is trained on first use, then cached for the life of the process / Worker isolate.
// Lazy, so an isolate that only ever sees one language never pays for the other.
const MODELS: Partial<Record<Lang, LangModel>> = {};
const BUILDERS: Record<Lang, () => LangModel> = { en: buildEnglish, 'zh-CN': buildChinese };
function model(lang: Lang): LangModel {
  return (MODELS[lang] ??= BUILDERS[lang]());
}

/**
 * Trains both language models (and the spelling index) now instead of on first use, e.g. at server start-up
 * or in a Worker's global scope, so no user message pays for it. Idempotent.
 */
export function warmUp(): void {
  model('en').warm();
  model('zh-CN').warm();
}

/** Everything the decision is made from; exported for evaluation and tuning tools, not for product code. */
export interface Evidence {
  lang: Lang;
  /** Probability per intent after anchor gating (renormalized over the eligible intents). */
  probs: number[];
  /** Share of the input's feature mass the model has seen in training. */
  coverage: number;
  rule: Intent | null;
  empty: boolean;
}

/**
 * Computes the evidence for one text: rule hit, or model probabilities gated by anchors, before thresholding.
 * `temperature` overrides the model's (tuning tools only).
 */
export function evidence(text: string, temperature?: number): Evidence {
  const raw = typeof text === 'string' ? text : '';
  const lang = detectLang(raw);
  const norm = normalize(raw.slice(0, MAX_CHARS));
  const probs = zeros(INTENTS.length);
  if (!/[\p{L}\p{N}]/u.test(norm)) {
    probs[OOS] = 1;
    return { lang, probs, coverage: 0, rule: null, empty: true };
  }
  const rule = applyRules(norm, lang);
  if (rule) {
    // A rule is decisive; skipping the model keeps these (frequent, short) messages cheap.
    probs[INTENTS.indexOf(rule)] = 1;
    return { lang, probs, coverage: 1, rule, empty: false };
  }
  const m = model(lang);
  const { features, clean } = m.analyze(norm);
  const s = m.nb.score(features);
  if (s.known === 0) {
    probs[OOS] = 1;
    return { lang, probs, coverage: 0, rule, empty: false };
  }
  const p = softmax(s.logits, (temperature ?? m.temperature) * Math.sqrt(Math.max(1, s.total)));
  let masked = 0;
  for (let c = 0; c < p.length; c++) {
    if (c !== OOS && !hasAnchor(INTENTS[c], clean, lang)) {
      masked += p[c];
      p[c] = 0;
    }
  }
  // Condition on the eligible intents (out_of_scope always is); if rounding left nothing, it is out of scope.
  const z = 1 - masked;
  if (z > 1e-12) for (let c = 0; c < p.length; c++) p[c] /= z;
  else p.fill(0)[OOS] = 1;
  return { lang, probs: p, coverage: s.known / s.total, rule, empty: false };
}

/** Turns evidence into a classification: rule hits win, then the best intent unless below the threshold. */
export function decide(ev: Evidence, threshold?: number): Classification {
  const { lang, probs } = ev;
  if (ev.empty) return { intent: 'out_of_scope', confidence: 0, lang };
  if (ev.rule) return { intent: ev.rule, confidence: 0.95, lang };
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
  const conf = probs[best];
  if (best !== OOS && conf < (threshold ?? model(lang).threshold)) return { intent: 'out_of_scope', confidence: round(1 - conf), lang };
  return { intent: INTENTS[best], confidence: round(conf), lang };
}

/**
 * Classifies one user message. Pure, deterministic, synchronous; no I/O.
 * Confidence is in [0,1]: the winning intent's probability (for out_of_scope decided by threshold, 1 - the
 * rejected intent's probability); 0 for empty input, 0.95 for keyword-rule hits.
 */
export function classify(text: string): Classification {
  return decide(evidence(text));
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
