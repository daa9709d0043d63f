// A small, strict XML reader and writer for WeChat's flat messages: no DTDs or entities (no XXE), size- and depth-limited.

/** WeChat messages are a few KB; anything near this is not one. */
export const MAX_XML_BYTES = 64 * 1024;
const MAX_DEPTH = 4;
const MAX_ELEMENTS = 200;

export type XmlValue = string | XmlNode;
export interface XmlNode {
  [name: string]: XmlValue;
}

export class XmlError extends Error {
  override name = 'XmlError';
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  // Every "&" must start a predefined entity or a character reference; anything else is refused.
  return s.replace(/&([^;&<\s]{0,10})(;?)/g, (_m, e: string, semi: string) => {
    if (!semi) throw new XmlError('bare "&" in text');
    if (/^#x[0-9a-fA-F]{1,6}$|^#[0-9]{1,7}$/.test(e)) {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
      throw new XmlError(`bad character reference &${e};`);
    }
    const v = NAMED[e];
    if (v === undefined) throw new XmlError(`unknown entity &${e};`);
    return v;
  });
}

/**
 * Parses `<xml>...</xml>` into nested records of element text. Only the five predefined entities and
 * character references are understood; a DOCTYPE, ENTITY or any other declaration is refused outright,
 * so external entities and entity expansion cannot happen. Repeated child names keep the first value.
 */
export function parseXml(input: string): XmlNode {
  if (input.length > MAX_XML_BYTES) throw new XmlError('document too large');
  let s = input.replace(/^\uFEFF/, '').trim();
  if (s.startsWith('<?xml')) {
    const end = s.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated declaration');
    s = s.slice(end + 2).trim();
  }
  if (/<!(?!\[CDATA\[)/.test(s)) throw new XmlError('declarations (DOCTYPE, ENTITY, comments) are not accepted');
  if (s.includes('<?')) throw new XmlError('processing instructions are not accepted');
  let pos = 0;
  let elements = 0;

  const element = (depth: number): [string, XmlValue] => {
    if (depth > MAX_DEPTH) throw new XmlError('document too deep');
    if (++elements > MAX_ELEMENTS) throw new XmlError('too many elements');
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(s.slice(pos, pos + 512));
    if (!open) throw new XmlError(`expected an element at ${pos}`);
    const name = open[1];
    pos += open[0].length;
    if (open[3] === '/') return [name, ''];
    const children: XmlNode = {};
    let text = '';
    let hasChildren = false;
    for (;;) {
      if (pos >= s.length) throw new XmlError(`unterminated <${name}>`);
      if (s.startsWith('<![CDATA[', pos)) {
        const end = s.indexOf(']]>', pos + 9);
        if (end < 0) throw new XmlError('unterminated CDATA');
        text += s.slice(pos + 9, end);
        pos = end + 3;
      } else if (s.startsWith('</', pos)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(s.slice(pos, pos + 256));
        if (!close || close[1] !== name) throw new XmlError(`mismatched closing tag for <${name}>`);
        pos += close[0].length;
        if (hasChildren) {
          if (text.trim() !== '') throw new XmlError(`mixed content in <${name}>`);
          return [name, children];
        }
        return [name, text];
      } else if (s[pos] === '<') {
        const [childName, value] = element(depth + 1);
        hasChildren = true;
        if (!(childName in children)) children[childName] = value;
      } else {
        const next = s.indexOf('<', pos);
        if (next < 0) throw new XmlError(`unterminated <${name}>`);
        text += decodeEntities(s.slice(pos, next));
        pos = next;
      }
    }
  };

  const [root, value] = element(1);
  if (root !== 'xml') throw new XmlError('root element must be <xml>');
  if (s.slice(pos).trim() !== '') throw new XmlError('content after the root element');
  return typeof value === 'string' ? {} : value;
}

/** Text of a direct child, or undefined (nested elements are not text). */
export function xmlText(node: XmlNode, name: string): string | undefined {
  const v = node[name];
  return typeof v === 'string' ? v : undefined;
}

/** Wraps text in CDATA; a literal "]]>" is split across two sections so it cannot end the first early. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Builds `<xml>` with CDATA strings and bare numbers, in the given key order. */
export function buildXml(fields: Record<string, string | number>): string {
  let out = '<xml>';
  for (const [k, v] of Object.entries(fields)) out += `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`;
  return `${out}</xml>`;
}
