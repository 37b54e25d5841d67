import { z } from 'zod';

/**
 * PostgreSQL text and jsonb cannot hold the NUL character (U+0000): a value with one fails the
 * statement that stores it, and with it every other request batched into that statement. Text
 * that a request would have stored is refused at the edge instead (INVALID_PAYLOAD).
 */
export const NO_NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

export const hasNoNul = (text: string): boolean => !text.includes('\u0000');

/** A string without NUL. */
export const textSchema = () => z.string().refine(hasNoNul, NO_NUL_MESSAGE);

/** True when any string inside `value` (keys included) holds a NUL; iterative, so any depth is safe. */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (!hasNoNul(next)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (!hasNoNul(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
