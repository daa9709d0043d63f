// Expands compact training templates ("how (many|much) points [do i have]") into their variants.

/*
 * Syntax: `(a|b|c)` picks one alternative, `[x]` (or `[x|y]`) is optional; groups nest.
 * Templates are parsed to a small tree so the number of variants is known without expanding them all,
 * and the k-th variant is generated directly (mixed-radix decoding). Variants can be built from
 * pre-processed text leaves (e.g. token ids), so training never re-tokenizes the same words per variant.
 */
interface Choice {
  alts: Seq[];
  /** variants per alternative */
  counts: number[];
  total: number;
}
type Seq = (string | Choice)[];

function parse(template: string): Seq {
  // Tokens alternate between text and single syntax characters; one split is much cheaper than a char loop.
  const tokens = template.split(/([()[\]|])/);
  let pos = 0;
  const parseSeq = (stops: string): Seq => {
    const seq: Seq = [];
    while (pos < tokens.length) {
      const tok = tokens[pos];
      if (tok.length === 1 && stops.includes(tok)) break;
      pos++;
      if (tok === '(' || tok === '[') {
        const close = tok === '(' ? ')' : ']';
        const alts: Seq[] = [];
        for (;;) {
          alts.push(parseSeq('|' + close));
          const sep = tokens[pos++]; // '|', the closing bracket, or undefined for a malformed template
          if (sep !== '|') break;
        }
        if (tok === '[') alts.push([]);
        const counts = alts.map(countSeq);
        seq.push({ alts, counts, total: counts.reduce((a, b) => a + b, 0) });
      } else if (tok) {
        seq.push(tok);
      }
    }
    return seq;
  };
  return parseSeq('');
}

function countSeq(seq: Seq): number {
  let n = 1;
  for (const node of seq) if (typeof node !== 'string') n *= node.total;
  return n;
}

/** Appends the leaves of the k-th variant of `seq` to `out`; the left-most choice varies slowest. */
function nthLeaves(seq: Seq, k: number, out: string[]): void {
  let radix = countSeq(seq);
  for (const node of seq) {
    if (typeof node === 'string') {
      out.push(node);
      continue;
    }
    radix /= node.total;
    let d = Math.floor(k / radix);
    k %= radix;
    for (let a = 0; a < node.alts.length; a++) {
      if (d < node.counts[a]) {
        nthLeaves(node.alts[a], d, out);
        break;
      }
      d -= node.counts[a];
    }
  }
}

/** Indices of the variants to keep: all of them, or `max` spread over the space by a golden-ratio stride. */
function pickIndices(template: string, n: number, max: number): number[] {
  const out: number[] = [];
  if (n <= max) {
    for (let k = 0; k < n; k++) out.push(k);
    return out;
  }
  // Deterministic (seeded by the template text) and spread across every group's alternatives.
  let stride = Math.max(1, Math.round(n * 0.6180339887));
  while (gcd(stride, n) !== 1) stride++;
  const start = hash32(template) % n;
  for (let j = 0; j < max; j++) out.push((start + j * stride) % n);
  return out;
}

/**
 * Expands a template into at most `max` variants, each built by `join`-ing the `leaf` values of its text
 * pieces (`leaf` runs once per distinct piece). Plain sentences skip the parser.
 */
export function expandWith<T>(template: string, max: number, leaf: (text: string) => T, join: (parts: T[]) => T): T[] {
  if (!/[([]/.test(template)) return [leaf(template)];
  const seq = parse(template);
  const cache = new Map<string, T>();
  const leafOf = (text: string) => {
    let v = cache.get(text);
    if (v === undefined) cache.set(text, (v = leaf(text)));
    return v;
  };
  const pieces: string[] = [];
  return pickIndices(template, countSeq(seq), max).map((k) => {
    pieces.length = 0;
    nthLeaves(seq, k, pieces);
    return join(pieces.map(leafOf));
  });
}

const tidy = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Every variant of a template as text, in deterministic order, de-duplicated (tools and tests). */
export function expandTemplate(template: string): string[] {
  const variants = expandWith(
    template,
    Number.MAX_SAFE_INTEGER,
    (t) => t,
    (parts) => parts.join(''),
  );
  return [...new Set(variants.map(tidy))].filter(Boolean);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** FNV-1a over UTF-16 code units; only used to seed the variant walk. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
