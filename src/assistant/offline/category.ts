// Reads a catalog category out of a member's words: "snacks under 20", "100元以内的零食", "推荐点饮料".
import { turnCategories } from '../tools/turn-memo.js';
import type { TurnCtx } from '../types.js';

/**
 * Everyday Chinese and English words for common retail categories, each with the stems an English catalog
 * category name would contain. Catalogs name categories their own way (the import format has no Chinese
 * names), so a word here only counts when the store has a category containing one of its stems.
 */
const ALIASES: [RegExp, string[]][] = [
  [/零食|小吃|饼干|坚果|糖果|薯片|巧克力|好吃的|吃的|snack/i, ['snack', 'candy', 'confection']],
  [/饮料|饮品|好喝的|喝的|果汁|咖啡|茶叶|drink|beverage|juice|coffee/i, ['drink', 'beverage']],
  [/生鲜|水果|蔬菜|鲜肉|海鲜|鸡蛋|fresh|fruit|vegetable|produce/i, ['fresh', 'produce', 'fruit']],
  [/母婴|宝宝|婴儿|奶粉|纸尿裤|baby|infant/i, ['baby', 'infant']],
  [/数码|电子|电器|耳机|充电|electronic|gadget/i, ['electronic']],
  [/家居|家用|日用|厨房|清洁|household|kitchen/i, ['home', 'household', 'kitchen']],
  [/个护|洗护|护肤|美妆|洗发|牙膏|personal care|skin ?care|toiletr|beauty/i, ['personal care', 'beauty', 'toiletr']],
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The name as a pattern: whole words for Latin names, with an optional plural ("Snacks" matches "snack"). */
function namePattern(name: string): RegExp {
  const base = name.toLowerCase().replace(/s$/, '');
  return /^[\x20-\x7e]+$/.test(name) ? new RegExp(`\\b${escapeRegExp(base)}(?:s|es)?\\b`, 'i') : new RegExp(escapeRegExp(name), 'i');
}

/** The store's category the text names, directly or through an everyday word; undefined when none. */
export async function categoryIn(ctx: TurnCtx, text: string): Promise<string | undefined> {
  const names = await turnCategories(ctx);
  if (!names.length) return undefined;
  const direct = names.find((n) => n.length >= 2 && namePattern(n).test(text));
  if (direct) return direct;
  for (const [words, stems] of ALIASES) {
    if (!words.test(text)) continue;
    const hit = names.find((n) => stems.some((s) => n.toLowerCase().includes(s)));
    if (hit) return hit;
  }
  return undefined;
}
