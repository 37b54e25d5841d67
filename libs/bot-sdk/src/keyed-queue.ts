import { signal } from './signal.js';

/**
 * Runs tasks with the same key one after another and tasks with different keys side by side:
 * a bot handles many conversations at once, but each conversation's events in order.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  /** Resolved (and replaced) whenever a task settles: one promise for all waiters, no polling. */
  private settled = signal();

  get size(): number {
    return this.tails.size;
  }

  /** Whether a task of this key is running or queued. */
  has(key: string): boolean {
    return this.tails.has(key);
  }

  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined).finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.settled.resolve();
      this.settled = signal();
    });
    this.tails.set(key, tail);
    return next;
  }

  /** Resolves when the next task (any key) settles: a slot may have come free. */
  nextSettled(): Promise<void> {
    return this.settled.promise;
  }

  /** Resolves when every queued task has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
