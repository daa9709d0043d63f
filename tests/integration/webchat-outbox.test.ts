// The web chat outbox under repeated sends: a send repeated with the same idempotency key (a broadcast delivery
// resent after a crash) is stored and shown once; sends without a key are separate messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webchatOutbox } from '../../db/schema/index.js';
import { WebchatSender } from '../../src/channels/webchat/sender.js';
import { domainCtx, fixedClock } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
const ref = { conversationId: 'web:c1', channelId: 'webchat', memberId: 'm1', reference: {} };

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store?.close());

describe('web chat outbox', () => {
  it('stores a keyed send once and answers a repeat with the first ids', async () => {
    const sender = new WebchatSender(domainCtx(store, fixedClock('2026-08-01T10:00:00Z')));
    const replies = [{ text: 'Hello A' }, { text: 'Reply STOP to unsubscribe.' }];
    const first = await sender.send(ref, replies, { idempotencyKey: 'broadcast-delivery:7' });
    const again = await sender.send(ref, replies, { idempotencyKey: 'broadcast-delivery:7' });
    expect(first.status).toBe('sent');
    expect(again).toEqual(first);
    const other = await sender.send(ref, [{ text: 'Hello B' }], { idempotencyKey: 'broadcast-delivery:8' });
    const plain1 = await sender.send(ref, [{ text: 'agent says hi' }]);
    const plain2 = await sender.send(ref, [{ text: 'agent says hi' }]);
    expect(plain1).not.toEqual(plain2);
    const rows = await store.db.select({ text: webchatOutbox.text }).from(webchatOutbox);
    expect(rows.map((r) => r.text)).toEqual(['Hello A', 'Reply STOP to unsubscribe.', 'Hello B', 'agent says hi', 'agent says hi']);
    expect(other.status).toBe('sent');
  });
});
