import type { MessagingWindow } from '@app/contracts';

const HOUR_MS = 60 * 60 * 1000;
/** Standard messaging window after the user's last interaction (§5.3). */
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
/** HUMAN_AGENT tag allowance after the user's last message (§5.2). */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * The window as of `now`; open strictly before the 24 h end (at the end instant it is closed).
 * The standard window follows any interaction; the HUMAN_AGENT allowance only a message.
 */
export function messagingWindow(lastInteractionAt: Date | null, now: Date, lastMessageAt: Date | null = lastInteractionAt): MessagingWindow {
  if (lastInteractionAt === null) return { open: false, lastInteractionAt: null, standardUntil: null, humanAgentUntil: null };
  const last = lastInteractionAt.getTime();
  return {
    open: now.getTime() < last + STANDARD_WINDOW_MS,
    lastInteractionAt: lastInteractionAt.toISOString(),
    standardUntil: new Date(last + STANDARD_WINDOW_MS).toISOString(),
    humanAgentUntil: lastMessageAt === null ? null : new Date(lastMessageAt.getTime() + HUMAN_AGENT_WINDOW_MS).toISOString(),
  };
}
