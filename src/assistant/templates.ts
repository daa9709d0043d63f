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
  const template = TEMPLATES[lang][key];
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template ${lang}/${key} needs {{${name}}}`);
    return String(value);
  });
}

/** Every template key, for tests that check both locales render. */
export const TEMPLATE_KEYS = Object.keys(en) as TemplateKey[];
