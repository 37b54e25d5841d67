import { webhookBodySchema } from '@app/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entry, otnOptin, pageBody, readReceipt, userMessage } from '../../test/webhook-fixtures.js';
import { checkWebhookBody } from './webhook-body.js';

/** What the suite reads from a checked body, serialised as it would be stored. */
const readable = (body: { object: string; entry: Array<Record<string, unknown>> }) =>
  JSON.stringify({
    object: body.object,
    entry: body.entry.map((e) => ({ id: e.id, time: e.time, messaging: e.messaging, standby: e.standby })),
  });

function expectSameAsSchema(json: unknown): void {
  const ours = checkWebhookBody(json);
  const schema = webhookBodySchema.safeParse(json);
  expect(ours.success).toBe(schema.success);
  if (ours.success && schema.success) expect(readable(ours.data)).toBe(readable(schema.data));
}

const event = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.constantFrom<unknown>(userMessage('1', '2'), readReceipt('1', '2'), otnOptin('1', '2', 'tok'), null, 7, 'x', [1]),
  fc.jsonValue().map((value) => JSON.parse(`{"__proto__":${JSON.stringify(value ?? null)},"read":{"watermark":1}}`)),
);
const events = fc.oneof({ arbitrary: fc.array(event, { maxLength: 4 }), weight: 5 }, { arbitrary: fc.constantFrom<unknown>(undefined, null, {}, 'x'), weight: 2 });
const entryOf = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom<unknown>(null, true, {})),
    time: fc.oneof(fc.integer(), fc.constantFrom<unknown>(undefined, null, '1')),
    messaging: events,
    standby: events,
    changes: fc.jsonValue(),
  },
  { requiredKeys: ['id'] },
);
const body = fc.record(
  {
    // Weighted towards well-formed bodies, so the fast path is taken often.
    object: fc.oneof({ arbitrary: fc.constantFrom<unknown>('page', 'instagram'), weight: 5 }, { arbitrary: fc.jsonValue(), weight: 1 }),
    entry: fc.oneof(
      { arbitrary: fc.array(fc.oneof({ arbitrary: entryOf, weight: 5 }, { arbitrary: fc.jsonValue(), weight: 1 }), { maxLength: 4 }), weight: 5 },
      { arbitrary: fc.jsonValue(), weight: 1 },
    ),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('checkWebhookBody', () => {
  it('accepts what Meta sends, without copying the events', () => {
    const message = userMessage('1', '2');
    const json = pageBody(entry('1', { messaging: [message], standby: [readReceipt('1', '3')] }));
    const checked = checkWebhookBody(json);
    expect(checked.success).toBe(true);
    if (checked.success) expect(checked.data.entry[0]!.messaging![0]).toBe(message);
    expectSameAsSchema(json);
  });

  it('turns a numeric entry id into a string, like the schema', () => {
    const checked = checkWebhookBody({ object: 'page', entry: [{ id: 1001, messaging: [] }] });
    expect(checked.success && checked.data.entry[0]!.id).toBe('1001');
  });

  it.each([
    ['no entry', { object: 'page' }],
    ['an event with an own __proto__ key', JSON.parse('{"object":"page","entry":[{"id":"1","messaging":[{"__proto__":{"message":{"mid":"m"}}}]}]}')],
    ['a null time', { object: 'page', entry: [{ id: '1', time: null }] }],
    ['an array event', { object: 'page', entry: [{ id: '1', standby: [[]] }] }],
    ['a body that is an array', [{ object: 'page' }]],
  ])('decides like the schema on %s', (_case, json) => expectSameAsSchema(json));

  it('property: always decides like webhookBodySchema and yields the same content', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (generated) => {
        const json = JSON.parse(JSON.stringify(generated));
        expectSameAsSchema(json);
        if (checkWebhookBody(json).success) accepted++;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100); // the generator does reach the accepting side
  });
});
