// Replies on the lean Bot Framework path are addressed exactly as botbuilder's TurnContext addresses them.
import { type Activity, TurnContext } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { addressReply } from '../../src/channels/botframework/adapter.js';

/** What `TurnContext.sendActivities` does to each activity before the adapter posts it. */
function botbuilderAddressing(reply: Partial<Activity>, incoming: Activity): Partial<Activity> {
  const out = TurnContext.applyConversationReference({ ...reply }, TurnContext.getConversationReference(incoming));
  if (!out.type) out.type = 'message';
  if (out.id) delete out.id;
  return out;
}

const base = {
  serviceUrl: 'https://smba.trafficmanager.net/apac/',
  from: { id: 'user-1', name: 'Li Lei', aadObjectId: 'a-1' },
  recipient: { id: 'bot-1', name: 'Member Assistant' },
  conversation: { id: 'conv-1', conversationType: 'personal', tenantId: 't-1' },
};
const incoming: Activity[] = [
  { ...base, type: 'message', id: 'act-1', channelId: 'msteams', locale: 'zh-CN', text: '我有多少积分' },
  { ...base, type: 'message', id: 'act-2', channelId: 'emulator', text: 'points' },
  { ...base, type: 'conversationUpdate', id: 'act-3', channelId: 'webchat', membersAdded: [{ id: 'user-1' }] },
  { ...base, type: 'conversationUpdate', id: 'act-4', channelId: 'directline', membersAdded: [{ id: 'user-1' }] },
  { ...base, type: 'conversationUpdate', id: 'act-5', channelId: 'slack', locale: 'en-US', membersAdded: [{ id: 'user-1' }] },
  { ...base, type: 'message', channelId: 'telegram', recipient: undefined, text: 'no id, no recipient' },
] as unknown as Activity[];
const replies: Partial<Activity>[] = [
  { type: 'message', text: '您当前有 9,785 积分。', textFormat: 'plain' },
  { text: 'no type given' },
  { type: 'typing' },
  { type: 'message', text: 'own locale and id', locale: 'en-US', id: 'client-id' },
  { type: 'message', text: 'own replyToId', replyToId: 'earlier' },
  {
    type: 'message',
    text: 'with buttons',
    suggestedActions: { to: ['user-1'], actions: [{ type: 'imBack', title: 'Points', value: 'Points' }] },
  },
];

describe('addressReply', () => {
  it('equals botbuilder getConversationReference + applyConversationReference for every pair', () => {
    for (const a of incoming) {
      for (const r of replies) {
        const ours = addressReply(r, a);
        expect(ours, `${a.channelId} ${a.type} <- ${JSON.stringify(r)}`).toEqual(botbuilderAddressing(r, a));
        // Copies, as botbuilder makes them: a reply never aliases the incoming activity's objects.
        expect(ours.conversation).not.toBe(a.conversation);
        expect(ours.recipient).not.toBe(a.from);
      }
    }
  });

  it('leaves the reply it was given untouched', () => {
    const r = { type: 'message', text: 'x', id: 'client-id' } as Partial<Activity>;
    addressReply(r, incoming[0]);
    expect(r).toEqual({ type: 'message', text: 'x', id: 'client-id' });
  });
});
