import fc from 'fast-check';
import { Counter, Histogram, Registry, register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { CounterTally, TallyHistogram } from './metric-tallies.js';

const BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1];
let names = 0;
const uniqueName = () => `tally_test_${++names}`;
afterEach(() => register.clear());

describe('TallyHistogram', () => {
  it('property: /metrics prints what a prom-client Histogram with the same observations prints', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('stored', 'duplicate', 'failed'),
            fc.oneof(fc.constantFrom(...BUCKETS, 0, 2.5), fc.double({ min: 0, max: 3, noNaN: true })),
          ),
          { maxLength: 60 },
        ),
        async (observations) => {
          const name = uniqueName();
          const reference = new Registry();
          const expected = new Histogram({ name, help: 'h', labelNames: ['outcome'], buckets: BUCKETS, registers: [reference] });
          const sut = TallyHistogram.create({ name, help: 'h', labelName: 'outcome', buckets: BUCKETS });
          for (const [outcome, value] of observations) {
            expected.observe({ outcome }, value);
            sut.observe(outcome, value);
          }
          expect(await register.getSingleMetricAsString(name)).toBe(await reference.getSingleMetricAsString(name));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is one histogram per name, shared by every instance of the app in the process', () => {
    const config = { name: uniqueName(), help: 'h', labelName: 'outcome', buckets: BUCKETS };
    expect(TallyHistogram.create(config)).toBe(TallyHistogram.create(config));
  });
});

describe('CounterTally', () => {
  it('property: adds its tallies to the prom-client counter whenever it is read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.constantFrom('message', 'read', 'echo'), { maxLength: 20 }), { minLength: 1, maxLength: 4 }), async (reads) => {
        const name = uniqueName();
        const reference = new Registry();
        const expected = new Counter({ name, help: 'c', labelNames: ['kind', 'channel'], registers: [reference] });
        const [first, second] = [new CounterTally({ name, help: 'c', labelNames: ['kind', 'channel'] }), new CounterTally({ name, help: 'c', labelNames: ['kind', 'channel'] })];
        for (const [turn, kinds] of reads.entries()) {
          for (const kind of kinds) {
            expected.inc({ kind, channel: 'messaging' });
            (turn % 2 ? second : first).inc(`${kind} messaging`, { kind, channel: 'messaging' });
          }
          expect(await register.getSingleMetricAsString(name)).toBe(await reference.getSingleMetricAsString(name));
        }
      }),
      { numRuns: 50 },
    );
  });
});
