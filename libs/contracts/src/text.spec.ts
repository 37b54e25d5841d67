import { describe, expect, it } from 'vitest';
import { outgoingMessageSchema } from './messenger/send-message.js';
import { RequestNotification, topicSchema } from './notifications/one-time-notification.rpc.js';
import { containsNul } from './text.js';
import { PassThreadControl } from './thread/thread-control.rpc.js';

describe('NUL (U+0000) is refused wherever a request would store text', () => {
  it('finds a NUL at any depth, in keys too, and nothing in clean values', () => {
    expect(containsNul({ a: [{ b: 'ok' }, 'x\u0000'] })).toBe(true);
    expect(containsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(containsNul({ a: [{ b: 'ok' }, 1, null, true], c: 'ünïcode \\u0000 as text' })).toBe(false);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(containsNul(deep)).toBe(true);
  });

  it('in messages, topics, titles and handover metadata', () => {
    expect(outgoingMessageSchema.safeParse({ text: 'hi' }).success).toBe(true);
    expect(outgoingMessageSchema.safeParse({ text: 'h\u0000i' }).success).toBe(false);
    expect(outgoingMessageSchema.safeParse({ attachment: { type: 'template', payload: { text: '\u0000' } } }).success).toBe(false);
    expect(topicSchema.safeParse('restock').success).toBe(true);
    expect(topicSchema.safeParse('re\u0000stock').success).toBe(false);
    expect(RequestNotification.request.safeParse({ pageId: '1', psid: '2', topic: 't', title: 'a\u0000' }).success).toBe(false);
    expect(PassThreadControl.request.safeParse({ pageId: '1', psid: '2', targetAppId: 'b', metadata: 'm\u0000' }).success).toBe(false);
    expect(PassThreadControl.request.safeParse({ pageId: '1', psid: '2', targetAppId: 'b', metadata: 'm' }).success).toBe(true);
  });
});
