import { describe, expect, it } from 'vitest';
import { parseSignal, signalSubjects, timedOutDeliveries } from './delivery-signals.js';

describe('delivery signals', () => {
  it('reads acks, naks and max deliveries of bot consumers from the server advisories', () => {
    expect(signalSubjects('MHO_BOTS')).toEqual([
      '$JS.EVENT.METRIC.CONSUMER.ACK.MHO_BOTS.*',
      '$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.MHO_BOTS.*',
      '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.MHO_BOTS.*',
    ]);
    expect(parseSignal('$JS.EVENT.METRIC.CONSUMER.ACK.MHO_BOTS.bot-sales', { stream_seq: 7, deliveries: 2, ack_time: 5 }, 'MHO_BOTS')).toEqual({
      kind: 'ack',
      appId: 'sales',
      streamSeq: 7,
      deliveries: 2,
    });
    expect(parseSignal('$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.MHO_BOTS.bot-a-b', { stream_seq: 3, deliveries: 1 }, 'MHO_BOTS')?.appId).toBe('a-b');
    expect(parseSignal('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.MHO_BOTS.bot-x', { stream_seq: 3, deliveries: 10 }, 'MHO_BOTS')?.kind).toBe('max_deliveries');
  });

  it('ignores other streams, other consumers and malformed bodies', () => {
    expect(parseSignal('$JS.EVENT.METRIC.CONSUMER.ACK.MHO_EVENTS.bot-x', { stream_seq: 1, deliveries: 1 }, 'MHO_BOTS')).toBeNull();
    expect(parseSignal('$JS.EVENT.METRIC.CONSUMER.ACK.MHO_BOTS.thread-ownership-routing-0', { stream_seq: 1, deliveries: 1 }, 'MHO_BOTS')).toBeNull();
    expect(parseSignal('$JS.EVENT.METRIC.CONSUMER.ACK.MHO_BOTS.bot-x', { stream_seq: 'x' }, 'MHO_BOTS')).toBeNull();
    expect(parseSignal('$JS.EVENT.ADVISORY.API', {}, 'MHO_BOTS')).toBeNull();
  });

  it('infers timeouts for the deliveries no nak explains, looking back a bounded number', () => {
    expect(timedOutDeliveries(3, new Set([2]))).toEqual([1, 3]);
    expect(timedOutDeliveries(0, new Set())).toEqual([]);
    expect(timedOutDeliveries(10_000, new Set(), 3)).toEqual([9998, 9999, 10_000]);
  });
});
