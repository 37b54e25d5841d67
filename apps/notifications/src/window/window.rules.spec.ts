import { describe, expect, it } from 'vitest';
import { HUMAN_AGENT_WINDOW_MS, messagingWindow, STANDARD_WINDOW_MS } from './window.rules.js';

describe('messaging window', () => {
  const last = new Date('2026-06-01T08:00:00.000Z');
  const at = (offset: number) => new Date(last.getTime() + offset);

  it('is closed with no interaction at all', () => {
    expect(messagingWindow(null, last)).toEqual({ open: false, lastInteractionAt: null, standardUntil: null, humanAgentUntil: null });
  });

  it('is open for 24 h after the last interaction and reports both ends', () => {
    expect(messagingWindow(last, at(0))).toEqual({
      open: true,
      lastInteractionAt: '2026-06-01T08:00:00.000Z',
      standardUntil: '2026-06-02T08:00:00.000Z',
      humanAgentUntil: '2026-06-08T08:00:00.000Z',
    });
    expect(messagingWindow(last, at(STANDARD_WINDOW_MS - 1)).open).toBe(true);
  });

  it('closes exactly 24 h after the last interaction', () => {
    expect(messagingWindow(last, at(STANDARD_WINDOW_MS)).open).toBe(false);
    expect(messagingWindow(last, at(HUMAN_AGENT_WINDOW_MS)).humanAgentUntil).toBe('2026-06-08T08:00:00.000Z');
  });

  it('runs the HUMAN_AGENT allowance from the last message, not from a later reaction or postback (§5.2)', () => {
    const reaction = at(3 * 24 * 60 * 60 * 1000);
    const window = messagingWindow(reaction, reaction, last);
    expect(window.open).toBe(true);
    expect(window.standardUntil).toBe(new Date(reaction.getTime() + STANDARD_WINDOW_MS).toISOString());
    expect(window.humanAgentUntil).toBe('2026-06-08T08:00:00.000Z');
    expect(messagingWindow(reaction, reaction, null).humanAgentUntil).toBeNull();
  });
});
