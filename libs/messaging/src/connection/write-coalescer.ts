/**
 * Runs NATS sends at the end of the current event-loop turn, all together and in order. nats.js
 * writes its buffer to the socket in a microtask, so sends made by different requests or
 * consumers in one turn would each cost a socket write and a nats-server wakeup: on a loaded
 * 2-core machine that write was the largest single cost of the ingress (a quarter of its CPU).
 * Deferred to the turn's end, they share one write. The delay is at most one turn.
 */
export class WriteCoalescer {
  private pending: Array<() => void> = [];

  defer(send: () => void): void {
    this.pending.push(send);
    if (this.pending.length === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const sends = this.pending;
    this.pending = [];
    for (const send of sends) {
      try {
        send();
      } catch {
        // a closed connection: the caller's own promise or the server's redelivery reports it
      }
    }
  };
}
