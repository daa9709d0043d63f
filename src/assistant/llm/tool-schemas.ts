// Tools as OpenAI function definitions: strict JSON schemas derived from each tool's zod input.
import * as z from 'zod/v4';
import type { Tool } from '../tools/tool.js';

type JsonSchema = Record<string, unknown>;
/** Keywords strict mode accepts; the rest (defaults, lengths) is enforced by zod when arguments arrive. */
const KEEP = new Set(['type', 'properties', 'required', 'additionalProperties', 'enum', 'anyOf', 'items', 'description', 'const']);

/**
 * Strict mode wants every property required and no extras: optional properties become required but
 * nullable, and `parseArguments` turns those nulls back into "not given" before zod validates.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) if (KEEP.has(k)) out[k] = v;
  if (out.type === 'object') {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const strictProps: Record<string, JsonSchema> = {};
    for (const [name, prop] of Object.entries(props)) {
      const p = strictSchema(prop);
      strictProps[name] = required.has(name) ? p : { anyOf: [p, { type: 'null' }] };
    }
    out.properties = strictProps;
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  if (out.items && typeof out.items === 'object') out.items = strictSchema(out.items as JsonSchema);
  if (Array.isArray(out.anyOf)) out.anyOf = out.anyOf.map((s) => strictSchema(s as JsonSchema));
  return out;
}

export interface FunctionTool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchema; strict: true };
}

export function toFunctionTool(tool: Tool): FunctionTool {
  const json = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: strictSchema(json), strict: true } };
}

/** Parses a model's argument string; throws on invalid JSON or arguments the tool's schema rejects. */
export function parseArguments(tool: Tool, raw: string): unknown {
  const parsed = JSON.parse(raw || '{}') as unknown;
  const cleaned =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null))
      : parsed;
  return tool.input.parse(cleaned);
}
