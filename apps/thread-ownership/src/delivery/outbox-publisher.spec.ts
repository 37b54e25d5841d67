import type { JetStreamPublisher } from '@app/messaging';
import { ManualClock } from '@app/platform';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import type { OutboxMessage } from '../threads/threads.repository.js';
import { OutboxPublisher } from './outbox-publisher.service.js';
import type { OutboxRepository } from './outbox.repository.js';

const message = (id: string): OutboxMessage => ({ id, subject: `bot.app${id}.handover`, msgId: `handover:${id}`, payload: { n: id } });

/** A JetStream stand-in that records publish order and acks (or refuses) only when told. */
function fakePublisher() {
  const sent: string[] = [];
  const acks = new Map<string, { ack: () => void; refuse: (error: Error) => void }>();
  const publish = vi.fn(
    (_subject: string, _payload: unknown, options: { msgID: string }) =>
      new Promise((resolve, reject) => {
        sent.push(options.msgID);
        acks.set(options.msgID, { ack: () => resolve({ seq: sent.length }), refuse: reject });
      }),
  );
  return { publisher: { publish } as unknown as JetStreamPublisher, sent, acks };
}

function setup() {
  const { publisher, sent, acks } = fakePublisher();
  const markPublished = vi.fn(async (_ids: string[], _at: Date) => undefined);
  const repository = { markPublished } as unknown as OutboxRepository;
  const settings = { outbox: { relayIntervalMs: 1000, retentionMs: 86_400_000 } } as ThreadOwnershipSettings;
  return { sut: new OutboxPublisher(repository, publisher, new ManualClock(new Date(0)), settings), sent, acks, markPublished };
}

describe('OutboxPublisher.publishNow', () => {
  afterEach(() => void vi.useRealTimers());

  it('sends every row in order without waiting for each ack, and returns once all are stored', async () => {
    const { sut, sent, acks } = setup();
    let done = false;
    const publishing = sut.publishNow([message('1'), message('2'), message('3')]).then(() => (done = true));
    expect(sent).toEqual(['handover:1', 'handover:2', 'handover:3']);
    acks.get('handover:3')!.ack();
    acks.get('handover:1')!.ack();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false); // row 2 not stored yet
    acks.get('handover:2')!.ack();
    await publishing;
    expect(done).toBe(true);
  });

  it('marks the rows of many operations published in one statement, a little later, and leaves a failed row to the relay', async () => {
    vi.useFakeTimers();
    const { sut, acks, markPublished } = setup();
    const first = sut.publishNow([message('1'), message('2')]);
    const second = sut.publishNow([message('3')]);
    acks.get('handover:1')!.ack();
    acks.get('handover:2')!.refuse(new Error('timeout'));
    acks.get('handover:3')!.ack();
    await expect(first).resolves.toBeUndefined(); // best effort: the relay repairs it
    await expect(second).resolves.toBeUndefined();
    expect(markPublished).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(markPublished).toHaveBeenCalledTimes(1);
    expect(markPublished.mock.calls[0]![0]).toEqual(['1', '3']);
  });

  it('writes the marks still waiting when the service shuts down, before the database closes', async () => {
    vi.useFakeTimers();
    const { sut, acks, markPublished } = setup();
    const publishing = sut.publishNow([message('9')]);
    acks.get('handover:9')!.ack();
    await publishing;
    await sut.beforeApplicationShutdown();
    expect(markPublished.mock.calls.map((call) => call[0])).toEqual([['9']]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(markPublished).toHaveBeenCalledTimes(1);
  });
});
