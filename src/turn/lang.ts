// Reply language: follows the message (Chinese text gets Chinese), else the member's or channel's locale.
import type { Lang } from '../assistant/types.js';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN = /[A-Za-z]{2,}/;

/** Picks the reply language for a message; digits-only or emoji-only text falls back. */
export function replyLang(text: string | undefined, fallback: Lang): Lang {
  if (text && CJK.test(text)) return 'zh-CN';
  if (text && LATIN.test(text)) return 'en';
  return fallback;
}

/** Maps a channel locale hint ("zh-cn", "en-US") to a supported language. */
export function langFromLocale(locale: string | undefined, fallback: Lang = 'en'): Lang {
  if (!locale) return fallback;
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
