// Reads a price band from a recommendation request: "under 50", "between 20 and 80 yuan", "100元以内", "50到100元".

export interface PriceBand {
  minPrice?: number;
  maxPrice?: number;
}

const N = String.raw`((?:\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.\d{1,2})?)`;
const CUR = String.raw`\s*(?:元|块钱?|块|rmb|yuan|cny)?`;
const RANGE = [
  new RegExp(String.raw`between\s*[¥￥]?${N}${CUR}\s*(?:and|to|-)\s*[¥￥]?${N}`, 'i'),
  new RegExp(String.raw`[¥￥]?${N}${CUR}\s*(?:-|~|–|to|到|至)\s*[¥￥]?${N}\s*(?:元|块|rmb|yuan|cny)`, 'i'),
  new RegExp(String.raw`[¥￥]${N}\s*(?:-|~|–|to)\s*[¥￥]?${N}`, 'i'),
  new RegExp(String.raw`${N}\s*(?:到|至)\s*${N}${CUR}(?:之间|左右)?`),
];
const MAX = [
  new RegExp(String.raw`(?:under|below|less than|cheaper than|up to|at most|no more than|max(?:imum)?|within)\s*[¥￥]?${N}`, 'i'),
  new RegExp(String.raw`(?:不超过|不到|低于|少于|小于|最多)\s*[¥￥]?${N}`),
  new RegExp(String.raw`[¥￥]?${N}${CUR}\s*(?:以下|以内|之内|内)`),
];
const MIN = [
  new RegExp(String.raw`(?:over|above|more than|at least|from|min(?:imum)?)\s*[¥￥]?${N}`, 'i'),
  new RegExp(String.raw`(?:超过|高于|多于|大于|至少)\s*[¥￥]?${N}`),
  new RegExp(String.raw`[¥￥]?${N}${CUR}\s*以上`),
];

/** "1,000" -> 1000. */
const yuan = (digits: string) => Number(digits.replaceAll(',', ''));

/** The price band (yuan) the text asks for; an empty object when it names none. */
export function parsePriceBand(text: string): PriceBand {
  for (const re of RANGE) {
    const m = re.exec(text);
    if (m) {
      const [a, b] = [yuan(m[1]), yuan(m[2])];
      return { minPrice: Math.min(a, b), maxPrice: Math.max(a, b) };
    }
  }
  const band: PriceBand = {};
  for (const re of MAX) {
    const m = re.exec(text);
    if (m) {
      band.maxPrice = yuan(m[1]);
      break;
    }
  }
  for (const re of MIN) {
    const m = re.exec(text);
    if (m && yuan(m[1]) !== band.maxPrice) {
      band.minPrice = yuan(m[1]);
      break;
    }
  }
  return band;
}
