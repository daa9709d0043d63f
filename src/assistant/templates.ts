// Reply templates from prompts/ (bundled at build time: Workers has no fs), rendered by plain {{var}} substitution.
import en from '../../prompts/en/replies.json';
import zh from '../../prompts/zh-CN/replies.json';

export type Lang = 'zh-CN' | 'en';
export type TemplateKey = keyof typeof en;
export type TemplateVars = Record<string, string | number>;

const TEMPLATES: Record<Lang, Record<TemplateKey, string>> = { en, 'zh-CN': zh };

/**
 * Renders one template. A variable the template names but the caller did not pass is a bug, so it
 * throws rather than sending a member a literal "{{points}}".
 */
export function render(lang: Lang, key: TemplateKey, vars: TemplateVars = {}): string {
  const parts = compiled(lang, key);
  if (parts.length === 1) return parts[0];
  // Literal text at even indices, variable names at odd ones.
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = vars[parts[i]];
    if (value === undefined) throw new Error(`template ${lang}/${key} needs {{${parts[i]}}}`);
    out += String(value) + parts[i + 1];
  }
  return out;
}

/**
 * Templates split once into literal text and variable names (`"a {{x}} b"` -> `["a ", "x", " b"]`): a global
 * `replace` with a callback per render runs the regular expression engine's slow path on every reply.
 */
const COMPILED = new Map<string, string[]>();
function compiled(lang: Lang, key: TemplateKey): string[] {
  const id = `${lang}\u0000${key}`;
  let parts = COMPILED.get(id);
  if (!parts) COMPILED.set(id, (parts = TEMPLATES[lang][key].split(/\{\{(\w+)\}\}/)));
  return parts;
}

const UNITS = {
  order: { en: ['order', 'orders'], 'zh-CN': '笔订单' },
  item: { en: ['item', 'items'], 'zh-CN': '件' },
  minute: { en: ['minute', 'minutes'], 'zh-CN': '分钟' },
} as const;

/** A count with its unit for a template variable: "1 order", "3 orders", "3 笔订单". */
export function countOf(lang: Lang, n: number, unit: keyof typeof UNITS): string {
  const u = UNITS[unit];
  return lang === 'zh-CN' ? `${n} ${u['zh-CN']}` : `${n} ${u.en[n === 1 ? 0 : 1]}`;
}

/** Every template key, for tests that check both locales render. */
export const TEMPLATE_KEYS = Object.keys(en) as TemplateKey[];
