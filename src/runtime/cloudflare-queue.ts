// The JobQueue on Cloudflare Queues: the Worker's producer binding (JOBS_QUEUE); the same Worker consumes it.
import { MAX_MESSAGE_BYTES, messageBytes, type EnqueueOptions, type JobQueue, type QueueMessage } from '../jobs/queue.js';

/** The part of Cloudflare's `Queue` binding this app uses (declared here so the app needs no Workers types). */
export interface QueueBinding {
  send(body: unknown, options?: { delaySeconds?: number; contentType?: 'json' }): Promise<void>;
  sendBatch(messages: { body: unknown; delaySeconds?: number; contentType?: 'json' }[], options?: { delaySeconds?: number }): Promise<void>;
}

/** Cloudflare's limits per sendBatch call. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 250_000;

/** Durable: messages outlive the request and are retried by the platform (wrangler.toml `max_retries`). */
export class CloudflareQueue implements JobQueue {
  readonly durable = true;

  constructor(private readonly binding: QueueBinding) {}

  async enqueue(message: QueueMessage, options: EnqueueOptions = {}): Promise<void> {
    if (messageBytes(message) > MAX_MESSAGE_BYTES)
      throw new Error(`queue message ${message.type} is larger than ${MAX_MESSAGE_BYTES} bytes`);
    await this.binding.send(message, { contentType: 'json', delaySeconds: options.delaySeconds });
  }

  /** Splits into as many sendBatch calls as Cloudflare's per-call limits need. */
  async enqueueBatch(messages: QueueMessage[], options: EnqueueOptions = {}): Promise<void> {
    let chunk: { body: QueueMessage; contentType: 'json' }[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length) await this.binding.sendBatch(chunk, { delaySeconds: options.delaySeconds });
      chunk = [];
      bytes = 0;
    };
    // Check every size first: a batch is either handed over whole or not at all.
    const sizes = messages.map(messageBytes);
    const tooBig = sizes.findIndex((n) => n > MAX_MESSAGE_BYTES);
    if (tooBig >= 0) throw new Error(`queue message ${messages[tooBig].type} is larger than ${MAX_MESSAGE_BYTES} bytes`);
    for (const [i, m] of messages.entries()) {
      const size = sizes[i];
      if (chunk.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES) await flush();
      chunk.push({ body: m, contentType: 'json' });
      bytes += size;
    }
    await flush();
  }
}
