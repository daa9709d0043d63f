// Background messages: typed queue messages, a dispatch table, and the in-process queue Node uses (Workers: Queues).
import type { AppDeps } from '../deps.js';
import type { Logger } from '../lib/log.js';
import { QUEUE_HANDLERS, type QueueMessages } from './messages.js';

export type QueueMessageType = keyof QueueMessages;
/** One message: `{ type, ...payload }`, JSON-serializable (it crosses the Queues boundary on Workers). */
export type QueueMessage = { [K in QueueMessageType]: { type: K } & QueueMessages[K] }[QueueMessageType];
export type QueueHandlers = {
  [K in QueueMessageType]: (deps: AppDeps, message: Extract<QueueMessage, { type: K }>) => Promise<void>;
};

export interface EnqueueOptions {
  /** Deliver no sooner than this (Cloudflare Queues allows up to 12 hours). */
  delaySeconds?: number;
}

/** Where background messages go. Producers only see this; the runtime decides what is behind it. */
export interface JobQueue {
  /**
   * True when messages survive this process and are retried by the platform (Cloudflare Queues);
   * false for the in-process queue, where a message is lost if the process stops first.
   */
  readonly durable: boolean;
  enqueue(message: QueueMessage, options?: EnqueueOptions): Promise<void>;
  enqueueBatch(messages: QueueMessage[], options?: EnqueueOptions): Promise<void>;
}

/** Thrown by a handler that wants its message delivered again later (e.g. a channel answered 429). */
export class RetryLater extends Error {
  constructor(
    readonly delaySeconds: number,
    message = 'retry later',
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Largest JSON message Cloudflare Queues accepts is 128 KB; stay under it with room for the envelope. */
export const MAX_MESSAGE_BYTES = 120_000;

/** Byte size of a message as it would be sent. */
export function messageBytes(message: QueueMessage): number {
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/**
 * Runs the handler of one message. Unknown types are logged and dropped (a message from a newer
 * deployment must not be retried forever by an older one); handler errors propagate so the caller retries.
 */
export async function dispatchMessage(deps: AppDeps, message: QueueMessage, handlers: QueueHandlers = QUEUE_HANDLERS): Promise<void> {
  const handler = handlers[message?.type as QueueMessageType] as ((d: AppDeps, m: QueueMessage) => Promise<void>) | undefined;
  if (!handler) {
    deps.log.error('queue message of unknown type dropped', { type: (message as { type?: unknown })?.type });
    return;
  }
  await handler(deps, message);
}

/**
 * Node's queue: messages run in this process after the current turn, with up to `maxAttempts` tries
 * (backoff, or the delay a handler asked for with RetryLater). Not durable: a restart loses queued messages.
 */
export class InProcessQueue implements JobQueue {
  readonly durable = false;
  private consume: ((message: QueueMessage) => Promise<void>) | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly log: Logger,
    private readonly maxAttempts = 3,
  ) {}

  /** Connects the consumer (createDeps does this once the deps exist). */
  attach(consume: (message: QueueMessage) => Promise<void>): void {
    this.consume = consume;
  }

  async enqueue(message: QueueMessage, options: EnqueueOptions = {}): Promise<void> {
    this.schedule(message, 1, (options.delaySeconds ?? 0) * 1000);
  }

  async enqueueBatch(messages: QueueMessage[], options: EnqueueOptions = {}): Promise<void> {
    for (const m of messages) this.schedule(m, 1, (options.delaySeconds ?? 0) * 1000);
  }

  /** Resolves once every message enqueued so far (and its retries) has been handled or given up on. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private schedule(message: QueueMessage, attempt: number, delayMs: number): void {
    const run = new Promise<void>((resolve) => {
      const timer = setTimeout(async () => {
        try {
          if (!this.consume) throw new Error('queue has no consumer attached');
          await this.consume(message);
        } catch (err) {
          if (attempt >= this.maxAttempts) {
            this.log.error('queue message failed; giving up', { type: message.type, attempt, err });
          } else {
            const retryMs = err instanceof RetryLater ? err.delaySeconds * 1000 : 2 ** attempt * 500;
            this.log.warn('queue message failed; retrying', { type: message.type, attempt, retryMs, err });
            this.schedule(message, attempt + 1, retryMs);
          }
        } finally {
          resolve();
        }
      }, delayMs);
      // A long delayed retry must not keep a finished process (a CLI, a test) alive.
      if (delayMs > 0) timer.unref?.();
    });
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
