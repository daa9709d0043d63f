// A local OpenAI-compatible server: speaks Chat Completions' wire format and follows a per-test script.
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; parameters: Record<string, unknown>; strict?: boolean } }[];
}

/** One scripted answer: a tool call, a text reply, an HTTP error, or a delay before another step. */
export type Step =
  | { toolCalls: { name: string; arguments: string }[] }
  | { content: string }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { delayMs: number; then: Step }
  | ((req: ChatRequest) => Step);

export interface LocalOpenAI extends RunningServer {
  baseURL: string;
  requests: ChatRequest[];
  /** Replaces the script: each request consumes the next step (the last one repeats). */
  script(steps: Step[]): void;
}

let callSeq = 0;

function completion(model: string, message: Record<string, unknown>, finish: string) {
  return {
    id: `chatcmpl-${++callSeq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 120, completion_tokens: 18, total_tokens: 138 },
  };
}

export async function startLocalOpenAI(): Promise<LocalOpenAI> {
  const requests: ChatRequest[] = [];
  let steps: Step[] = [];
  let cursor = 0;
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    if (!c.req.header('authorization')?.startsWith('Bearer '))
      return c.json({ error: { message: 'no key', type: 'invalid_request_error' } }, 401);
    const req = (await c.req.json()) as ChatRequest;
    requests.push(req);
    let step: Step = steps[Math.min(cursor, steps.length - 1)] ?? { content: 'no script' };
    cursor += 1;
    for (;;) {
      if (typeof step === 'function') step = step(req);
      else if ('delayMs' in step) {
        await new Promise((r) => setTimeout(r, step && 'delayMs' in step ? step.delayMs : 0));
        step = step.then;
      } else break;
    }
    if ('status' in step) {
      return c.json(
        step.body ?? { error: { message: 'scripted failure', type: 'server_error', code: null } },
        step.status as 429,
        step.headers ?? {},
      );
    }
    if ('toolCalls' in step) {
      return c.json(
        completion(
          req.model,
          {
            content: null,
            tool_calls: step.toolCalls.map((t, i) => ({
              id: `call_${callSeq}_${i}`,
              type: 'function',
              function: { name: t.name, arguments: t.arguments },
            })),
          },
          'tool_calls',
        ),
      );
    }
    return c.json(completion(req.model, { content: step.content }, 'stop'));
  });
  const server = await startServer(app.fetch);
  return {
    ...server,
    baseURL: `${server.url}/v1`,
    requests,
    script(next) {
      steps = next;
      cursor = 0;
      requests.length = 0;
    },
  };
}

/** The JSON content of the last tool message the model was sent (what the tool returned). */
export function lastToolResult(req: ChatRequest): Record<string, unknown> {
  const tool = [...req.messages].reverse().find((m) => m.role === 'tool');
  return tool?.content ? (JSON.parse(tool.content) as Record<string, unknown>) : {};
}
