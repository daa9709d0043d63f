// Per-turn metrics of the language-model brain: model, tokens, latency, tools, fallback and grounding.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** 'circuit_open': the model endpoint failed repeatedly and is not being called for a while (no call made). */
export const LLM_FALLBACKS = [
  'none',
  'error',
  'rate_limited',
  'timeout',
  'malformed',
  'grounding',
  'max_steps',
  'leak',
  'circuit_open',
] as const;
export type LlmFallback = (typeof LLM_FALLBACKS)[number];

export const llmTurns = sqliteTable(
  'llm_turns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: text('conversation_id').notNull(),
    memberId: text('member_id').notNull(),
    model: text('model').notNull(),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    latencyMs: integer('latency_ms').notNull(),
    /** Tool names called, in order. */
    toolCalls: text('tool_calls', { mode: 'json' }).$type<string[]>().notNull(),
    /** Why the offline brain answered instead ('none' when the model's reply was sent). */
    fallback: text('fallback', { enum: LLM_FALLBACKS }).notNull(),
    /** 'pass', 'fail' (an ungrounded number was caught) or 'skipped' (no model reply to check). */
    grounding: text('grounding', { enum: ['pass', 'fail', 'skipped'] }).notNull(),
    /** Numbers the verifier could not find in the turn's tool results (for review; no message text). */
    ungrounded: text('ungrounded', { mode: 'json' }).$type<string[]>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('llm_turns_created_idx').on(t.createdAt)],
);

export type LlmTurn = typeof llmTurns.$inferSelect;
