import { describe, expect, it } from 'vitest';
import { mergeByThread } from './thread-window.repository.js';

const at = (ms: number) => new Date(ms);

describe('mergeByThread', () => {
  it('keeps one row per thread with the latest interaction, the latest message and the highest sequence', () => {
    const merged = mergeByThread([
      { pageId: 'p', psid: 'a', interactionAt: at(2_000), messageAt: null, eventSeq: 5 },
      { pageId: 'p', psid: 'b', interactionAt: null, messageAt: null, eventSeq: 6 },
      { pageId: 'p', psid: 'a', interactionAt: null, messageAt: null, eventSeq: 9 },
      { pageId: 'p', psid: 'a', interactionAt: at(1_000), messageAt: at(1_000), eventSeq: 7 },
    ]);
    expect(merged).toEqual([
      { pageId: 'p', psid: 'a', interactionAt: at(2_000), messageAt: at(1_000), eventSeq: 9 },
      { pageId: 'p', psid: 'b', interactionAt: null, messageAt: null, eventSeq: 6 },
    ]);
  });

  it('does not merge the same user on different pages', () => {
    const merged = mergeByThread([
      { pageId: 'p1', psid: 'a', interactionAt: null, messageAt: null, eventSeq: 1 },
      { pageId: 'p2', psid: 'a', interactionAt: null, messageAt: null, eventSeq: 2 },
    ]);
    expect(merged).toHaveLength(2);
  });
});
