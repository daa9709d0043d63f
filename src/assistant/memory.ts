// Conversation memory: the last turns of a conversation in the state port, bounded by count, tokens and time.
import type { StatePort } from '../state/port.js';

export interface MemoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface MemoryLimits {
  maxMessages: number;
  maxTokens: number;
  ttlSeconds: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { maxMessages: 12, maxTokens: 1500, ttlSeconds: 1800 };

/** A cheap, conservative token estimate: one per CJK character, one per four other characters. */
export function estimateTokens(text: string): number {
  const cjk = (text.match(/[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/g) ?? []).length;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** Keeps the newest messages that fit both bounds (oldest dropped first). */
export function trimMemory(messages: MemoryMessage[], limits: MemoryLimits): MemoryMessage[] {
  const kept: MemoryMessage[] = [];
  let tokens = 0;
  for (let i = messages.length - 1; i >= 0 && kept.length < limits.maxMessages; i--) {
    const t = estimateTokens(messages[i].content);
    if (tokens + t > limits.maxTokens) break;
    tokens += t;
    kept.unshift(messages[i]);
  }
  // A history must not start with a dangling assistant message.
  while (kept[0]?.role === 'assistant') kept.shift();
  return kept;
}

/** The state key holding a conversation's memory (also cleared when a member is erased). */
export const memoryKey = (conversationId: string) => `mem:${conversationId}`;

export class ConversationMemory {
  constructor(
    private readonly state: StatePort,
    private readonly limits: MemoryLimits = DEFAULT_MEMORY_LIMITS,
  ) {}

  private key(conversationId: string) {
    return memoryKey(conversationId);
  }

  async load(conversationId: string): Promise<MemoryMessage[]> {
    const raw = await this.state.get(this.key(conversationId));
    if (!raw) return [];
    try {
      return trimMemory(JSON.parse(raw) as MemoryMessage[], this.limits);
    } catch {
      return [];
    }
  }

  async append(conversationId: string, ...messages: MemoryMessage[]): Promise<void> {
    const next = trimMemory([...(await this.load(conversationId)), ...messages], this.limits);
    await this.state.set(this.key(conversationId), JSON.stringify(next), { ttlSeconds: this.limits.ttlSeconds });
  }
}
