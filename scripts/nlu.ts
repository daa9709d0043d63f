// CLI: classify JSONL from stdin ({"text": ...} per line) and write one JSON result line per non-empty input line.
//
// Usage: npm run --silent nlu < in.jsonl > out.jsonl
// Output per line: {"text","intent","confidence"}; a line that is not valid JSON (or has no string "text")
// yields {"text":null,"intent":"out_of_scope","confidence":0,"error":...} so output order matches input order.
// Nothing but result lines is written to stdout.
import { createInterface } from 'node:readline';
import { classify } from '../src/assistant/offline/nlu/index.js';

/** Classifies one input line; returns the JSON output line (without newline), or null for a blank line. */
function processLine(line: string): string | null {
  if (!line.trim()) return null;
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return JSON.stringify({ text: null, intent: 'out_of_scope', confidence: 0, error: 'invalid json' });
  }
  const text = row !== null && typeof row === 'object' ? (row as { text?: unknown }).text : undefined;
  if (typeof text !== 'string') {
    return JSON.stringify({ text: null, intent: 'out_of_scope', confidence: 0, error: 'missing text' });
  }
  const { intent, confidence } = classify(text);
  return JSON.stringify({ text, intent, confidence });
}

async function main(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let buffer: string[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('\n') + '\n';
    buffer = [];
    // Respect back-pressure so huge inputs piped to a slow consumer do not balloon memory.
    if (!process.stdout.write(chunk)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  };
  for await (const line of rl) {
    const out = processLine(line.replace(/^\uFEFF/, '')); // tolerate a UTF-8 BOM on the first line
    if (out !== null) buffer.push(out);
    if (buffer.length >= 256) await flush();
  }
  await flush();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
