// The language-model brain: Chat Completions with the shared tools, bounded, verified, and backed by the offline brain.
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { SYSTEM_PROMPTS, TOOL_POLICY } from '../../../prompts/index.js';
import { llmTurns, type LlmFallback } from '../../../db/schema/index.js';
import { type BreakerOptions, CircuitBreaker } from '../../lib/breaker.js';
import type { Logger } from '../../lib/log.js';
import { formatPoints } from '../../lib/money.js';
import { verifyGrounding } from '../grounding.js';
import { ConversationMemory } from '../memory.js';
import { render } from '../templates.js';
import { tools } from '../tools/index.js';
import type { Tool } from '../tools/tool.js';
import type { Brain, BrainReply, OutboundReply, TurnCtx } from '../types.js';
import { leakGuard } from './leaks.js';
import { parseArguments, toFunctionTool } from './tool-schemas.js';

/** Model round trips per member message: enough for two or three tools and an answer, bounded against loops. */
export const MAX_STEPS = 5;

export interface LlmBrainOptions {
  apiKey?: string;
  baseURL?: string;
  model: string;
  /** Per model call. */
  callTimeoutMs: number;
  /** The whole turn, all calls and tools included. */
  turnBudgetMs: number;
  fallback: Brain;
  log: Logger;
  fetch?: typeof fetch;
  /** Keys and tokens of this deployment: a reply containing one is replaced (see leaks.ts). */
  secrets?: (string | undefined)[];
  /**
   * After `failureThreshold` turns in a row whose model call failed at the endpoint (5xx, 429, timeout,
   * connection), stop calling it for `cooldownMs`, then let one turn probe it. Defaults: 5 and 30 s.
   */
  breaker?: Pick<BreakerOptions, 'failureThreshold' | 'cooldownMs' | 'now'>;
}

/**
 * What a failed turn means, in one place: the fallback recorded for it, and whether the failure says the endpoint is
 * down, slow or refusing (5xx, 429, timeouts, connection errors: the breaker counts those), as opposed to a reply
 * we could not use.
 */
function failureOf(err: unknown): { fallback: LlmFallback; endpointDown: boolean } {
  if (err instanceof TurnFailure) return { fallback: err.reason, endpointDown: err.reason === 'timeout' };
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { fallback: 'timeout', endpointDown: true };
  if (err instanceof OpenAI.APIConnectionError) return { fallback: 'error', endpointDown: true };
  if (err instanceof OpenAI.APIUserAbortError) return { fallback: 'timeout', endpointDown: false };
  if (err instanceof OpenAI.APIError)
    return { fallback: err.status === 429 ? 'rate_limited' : 'error', endpointDown: err.status === 429 || (err.status ?? 0) >= 500 };
  return { fallback: 'error', endpointDown: false };
}

class TurnFailure extends Error {
  constructor(
    readonly reason: Exclude<LlmFallback, 'none' | 'grounding'>,
    message: string,
  ) {
    super(message);
  }
}

const TOOL_LIST = Object.values(tools) as Tool[];
const FUNCTION_TOOLS = TOOL_LIST.map(toFunctionTool);
const POLICY_TEXT = `${SYSTEM_PROMPTS.en}\n${SYSTEM_PROMPTS['zh-CN']}\n${TOOL_POLICY}`;

export class LlmBrain implements Brain {
  readonly name = 'llm';
  private readonly client: OpenAI;
  private readonly leaks: ReturnType<typeof leakGuard>;
  /** Open while the endpoint is failing: turns go straight to the offline brain instead of waiting on it. */
  readonly breaker: CircuitBreaker;

  constructor(private readonly options: LlmBrainOptions) {
    this.leaks = leakGuard([SYSTEM_PROMPTS.en, SYSTEM_PROMPTS['zh-CN'], TOOL_POLICY], [options.apiKey, ...(options.secrets ?? [])]);
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      cooldownMs: options.breaker?.cooldownMs ?? 30_000,
      now: options.breaker?.now,
      onChange: (to) => {
        if (to === 'open') options.log.warn('language model endpoint failing: answering offline for a while');
        if (to === 'closed') options.log.info('language model endpoint answering again');
      },
    });
    this.client = new OpenAI({
      // OpenAI-compatible servers (vLLM, Ollama) often need no key, but the SDK wants a string.
      apiKey: options.apiKey ?? 'not-needed',
      baseURL: options.baseURL,
      timeout: options.callTimeoutMs,
      // Retries would spend the member's waiting time; a failed call falls back to the offline brain instead.
      maxRetries: 0,
      fetch: options.fetch,
    });
  }

  async respond(ctx: TurnCtx, text: string): Promise<BrainReply> {
    const started = Date.now();
    const memory = new ConversationMemory(ctx.state);
    const metrics = { tokensIn: 0, tokensOut: 0, toolCalls: [] as string[] };
    let fallback: LlmFallback = 'none';
    let grounding: 'pass' | 'fail' | 'skipped' = 'skipped';
    let ungrounded: string[] | undefined;
    let reply: BrainReply;
    if (!this.breaker.allow()) {
      reply = await this.options.fallback.respond(ctx, text);
      await this.record(ctx, { ...metrics, fallback: 'circuit_open', grounding, latencyMs: Date.now() - started });
      return reply;
    }
    try {
      // Loaded before the breaker's try: a state-store failure says nothing about the model endpoint.
      const history = await memory.load(ctx.conversationId);
      let outcome: Awaited<ReturnType<LlmBrain['loop']>>;
      try {
        outcome = await this.loop(ctx, text, history, metrics);
        this.breaker.success();
      } catch (err) {
        // Every probe must report back, or a half-open circuit would wait for it forever.
        if (failureOf(err).endpointDown) this.breaker.failure();
        else this.breaker.success();
        throw err;
      }
      const leak = this.leaks(outcome.text);
      if (leak) throw new TurnFailure('leak', `reply quoted the ${leak === 'secret' ? 'secrets' : 'instructions'}`);
      const check = verifyGrounding(outcome.text, { toolResults: outcome.toolResults, memberMessage: text, policyText: POLICY_TEXT });
      grounding = check.ok ? 'pass' : 'fail';
      if (check.ok) {
        reply = { replies: [outcome.pendingConfirmation ?? { text: outcome.text }], intent: outcome.intent };
        await memory.append(ctx.conversationId, { role: 'user', content: text }, { role: 'assistant', content: reply.replies[0].text });
      } else {
        fallback = 'grounding';
        ungrounded = check.ungrounded;
        this.options.log.warn('ungrounded model reply replaced', { memberId: ctx.member.id, ungrounded: check.ungrounded });
        reply = await this.options.fallback.respond(ctx, text);
      }
    } catch (err) {
      fallback = failureOf(err).fallback;
      this.options.log.warn('language model turn fell back', { memberId: ctx.member.id, reason: fallback, err });
      reply = await this.options.fallback.respond(ctx, text);
    }
    await this.record(ctx, { ...metrics, fallback, grounding, ungrounded, latencyMs: Date.now() - started });
    return reply;
  }

  private async loop(
    ctx: TurnCtx,
    text: string,
    history: { role: 'user' | 'assistant'; content: string }[],
    metrics: { tokensIn: number; tokensOut: number; toolCalls: string[] },
  ): Promise<{ text: string; toolResults: unknown[]; intent: string; pendingConfirmation?: OutboundReply }> {
    const deadline = Date.now() + this.options.turnBudgetMs;
    const messages: ChatCompletionMessageParam[] = [
      {
        role: 'system',
        content: `${SYSTEM_PROMPTS[ctx.lang]}\n\n${TOOL_POLICY}\n\nMember: ${ctx.member.name}; tier code: ${ctx.member.tierCode}.`,
      },
      ...history,
      { role: 'user', content: text },
    ];
    const toolResults: unknown[] = [];
    let pendingConfirmation: OutboundReply | undefined;
    for (let step = 0; step < MAX_STEPS; step++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TurnFailure('timeout', 'turn budget spent');
      const completion = await this.client.chat.completions.create(
        { model: this.options.model, messages, tools: FUNCTION_TOOLS, tool_choice: 'auto', parallel_tool_calls: false },
        { timeout: Math.min(this.options.callTimeoutMs, remaining) },
      );
      metrics.tokensIn += completion.usage?.prompt_tokens ?? 0;
      metrics.tokensOut += completion.usage?.completion_tokens ?? 0;
      const message = completion.choices[0]?.message;
      if (!message) throw new TurnFailure('malformed', 'no choice in completion');
      const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
      if (!calls.length) {
        const content = message.content?.trim();
        if (!content) throw new TurnFailure('malformed', 'empty reply');
        return { text: content, toolResults, intent: metrics.toolCalls.at(-1) ?? 'llm', pendingConfirmation };
      }
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
      for (const call of calls) {
        const tool = TOOL_LIST.find((t) => t.name === call.function.name);
        if (!tool) throw new TurnFailure('malformed', `unknown tool ${call.function.name}`);
        let input: unknown;
        try {
          input = parseArguments(tool, call.function.arguments);
        } catch {
          throw new TurnFailure('malformed', `invalid arguments for ${tool.name}`);
        }
        metrics.toolCalls.push(tool.name);
        const result = await tool.run({ ctx, input: input as never });
        toolResults.push(result);
        if (tool.name === 'redeem_points') pendingConfirmation = confirmationPrompt(ctx, result);
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      }
    }
    throw new TurnFailure('max_steps', `no answer within ${MAX_STEPS} steps`);
  }

  private async record(
    ctx: TurnCtx,
    m: {
      tokensIn: number;
      tokensOut: number;
      toolCalls: string[];
      fallback: LlmFallback;
      grounding: 'pass' | 'fail' | 'skipped';
      ungrounded?: string[];
      latencyMs: number;
    },
  ): Promise<void> {
    try {
      await ctx.domain.store.write(async (tx) => {
        await tx.insert(llmTurns).values({
          conversationId: ctx.conversationId,
          memberId: ctx.member.id,
          model: this.options.model,
          ...m,
          createdAt: ctx.domain.clock(),
        });
      });
    } catch (err) {
      this.options.log.error('llm metrics write failed', { err });
    }
  }
}

/**
 * The confirmation question is the one reply the model does not word: it states the exact cost and balance
 * from the tool result and tells the member the words that confirm, which code then checks.
 */
function confirmationPrompt(ctx: TurnCtx, result: unknown): OutboundReply | undefined {
  const r = result as { status: string; name: string; pointsCost: number; balance: number; balanceAfter: number };
  if (r.status !== 'confirmation_required') return undefined;
  return {
    text: render(ctx.lang, 'redeem_confirm', {
      cost: formatPoints(r.pointsCost),
      name: r.name,
      balance: formatPoints(r.balance),
      after: formatPoints(r.balanceAfter),
    }),
    suggestions: (['suggest_yes', 'suggest_no'] as const).map((k) => ({ title: render(ctx.lang, k), value: render(ctx.lang, k) })),
  };
}
