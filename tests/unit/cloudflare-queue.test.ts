// CloudflareQueue: how messages are handed to the Queues binding (per-call limits, size checks, delays).
import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../src/jobs/queue.js';
import { CloudflareQueue, type QueueBinding } from '../../src/runtime/cloudflare-queue.js';

/** Records calls the way the Queues binding receives them, enforcing Cloudflare's documented per-call limits. */
function recordingBinding() {
  const calls: { kind: 'send' | 'batch'; bodies: unknown[]; delaySeconds?: number }[] = [];
  const binding: QueueBinding = {
    async send(body, options) {
      calls.push({ kind: 'send', bodies: [body], delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages, options) {
      if (messages.length > 100) throw new Error('sendBatch takes at most 100 messages');
      if (new TextEncoder().encode(JSON.stringify(messages.map((m) => m.body))).length > 256_000)
        throw new Error('sendBatch takes at most 256 KB');
      calls.push({ kind: 'batch', bodies: messages.map((m) => m.body), delaySeconds: options?.delaySeconds });
    },
  };
  return { binding, calls };
}

const msg = (n: number, pad = 0): QueueMessage => ({ type: 'llm-reply', activity: { id: `a${n}`, text: 'x'.repeat(pad) } });

describe('CloudflareQueue', () => {
  it('is durable and sends one message as JSON with its delay', async () => {
    const { binding, calls } = recordingBinding();
    const q = new CloudflareQueue(binding);
    expect(q.durable).toBe(true);
    await q.enqueue(msg(1), { delaySeconds: 30 });
    expect(calls).toEqual([{ kind: 'send', bodies: [msg(1)], delaySeconds: 30 }]);
  });

  it('splits batches by count and by size, keeping order', async () => {
    const { binding, calls } = recordingBinding();
    const q = new CloudflareQueue(binding);
    await q.enqueueBatch(Array.from({ length: 250 }, (_, i) => msg(i)));
    expect(calls.map((c) => c.bodies.length)).toEqual([100, 100, 50]);
    calls.length = 0;
    await q.enqueueBatch(Array.from({ length: 6 }, (_, i) => msg(i, 100_000)));
    expect(calls.map((c) => c.bodies.length)).toEqual([2, 2, 2]);
    expect(calls.flatMap((c) => c.bodies.map((b) => (b as { activity: { id: string } }).activity.id))).toEqual([
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
    ]);
  });

  it('refuses a message larger than Queues accepts instead of losing it', async () => {
    const { binding, calls } = recordingBinding();
    const q = new CloudflareQueue(binding);
    await expect(q.enqueue(msg(1, 130_000))).rejects.toThrow(/larger than/);
    await expect(q.enqueueBatch([msg(1), msg(2, 130_000)])).rejects.toThrow(/larger than/);
    expect(calls).toEqual([]);
  });
});
