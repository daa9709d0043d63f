// Output guard of the language-model brain: a reply that quotes the instructions or contains a secret never reaches a member.

/** Verbatim pieces this long (after whitespace is collapsed) count as quoting the instructions. */
const WINDOW = 24;
const STEP = 8;

const normalize = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();

/**
 * Builds a checker from the instruction texts (system prompts, tool policy) and the secrets of this deployment.
 * Overlapping windows catch a quote starting anywhere; paraphrases are not caught (the prompts hold no secrets,
 * this only keeps a hijacked model from dumping them verbatim).
 */
export function leakGuard(instructions: string[], secrets: (string | undefined)[]): (reply: string) => 'prompt' | 'secret' | null {
  const windows = new Set<string>();
  for (const text of instructions) {
    const n = normalize(text);
    for (let i = 0; i + WINDOW <= n.length; i += STEP) windows.add(n.slice(i, i + WINDOW));
  }
  const list = [...windows];
  const keys = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  return (reply) => {
    if (keys.some((k) => reply.includes(k))) return 'secret';
    const n = normalize(reply);
    if (n.length >= WINDOW && list.some((w) => n.includes(w))) return 'prompt';
    return null;
  };
}
