import { randomBytes } from 'node:crypto';
import { UNROUTABLE_WEBHOOK_SUBJECT } from '@app/contracts';
import { TokenCipher } from '@app/platform';
import { describe, expect, it } from 'vitest';
import { entry, pageBody, userMessage } from '../../test/webhook-fixtures.js';
import { canonicalJson, sha256Hex } from './event-id.js';
import type { BatchContext } from './webhook-batch-parser.js';
import { planWebhook, storableUnroutable } from './webhook-plan.js';

const cipher = new TokenCipher(randomBytes(32).toString('base64'));
const context: BatchContext = { receivedAt: new Date(0), correlationId: 'c', seal: (clear) => cipher.seal(clear), fingerprint: (data) => cipher.fingerprint(data) };
const plan = (json: unknown) => ({ result: planWebhook(json, context) });

describe('planWebhook', () => {
  it('turns a page body into events only', () => {
    const { result } = plan(pageBody(entry('1', { messaging: [userMessage('1', '2')] })));
    expect(result.events).toHaveLength(1);
    expect(result.unroutable).toBeUndefined();
  });

  it('keeps another object whole under the unroutable subject, keyed by its content (any serialisation)', () => {
    const body = { object: 'instagram', entry: [{ id: '1', messaging: [{ one_time_notif_token: 'clear-otn' }] }] };
    const { result } = plan(body);
    expect(result.events).toEqual([]);
    expect(result.unroutable).toMatchObject({ subject: UNROUTABLE_WEBHOOK_SUBJECT, msgID: sha256Hex(canonicalJson(body)), reason: 'object' });
    const reordered = { entry: [{ messaging: [{ one_time_notif_token: 'clear-otn' }], id: '1' }], object: 'instagram' };
    expect(plan(reordered).result.unroutable!.msgID).toBe(result.unroutable!.msgID);
    expect(result.unroutable!.record).toMatchObject({ reason: 'object', object: 'instagram', receivedAt: '1970-01-01T00:00:00.000Z' });
    expect(JSON.stringify(result.unroutable)).not.toContain('clear-otn');
  });

  it.each([
    ['a JSON array', []],
    ['a string', 'page'],
    ['entries that are not a list', { object: 'page', entry: { id: '1' } }],
    ['an entry without id', { object: 'page', entry: [{ messaging: [] }] }],
  ])('keeps %s as unroutable (schema)', (_case, json) => {
    const { result } = plan(json);
    expect(result).toMatchObject({ events: [], unroutable: { reason: 'schema', record: { body: json } } });
  });

  it('keeps a page body with entries it cannot split, next to the events it could', () => {
    const json = { object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'feed' }] }, entry('1', { messaging: [userMessage('1', '2')] })] };
    const { result } = plan(json);
    expect(result.events).toHaveLength(1);
    expect(result.unroutable).toMatchObject({ reason: 'no_events', record: { object: 'page', body: json } });
  });

  it('keeps a page body without any entry', () => {
    expect(plan({ object: 'page', entry: [] }).result).toMatchObject({ events: [], unroutable: { reason: 'no_events' } });
  });
});

describe('storableUnroutable', () => {
  const bigBody = { object: 'instagram', entry: [{ id: '1', blob: 'x'.repeat(50_000) }] };

  it('keeps a body that fits one NATS message as it is', () => {
    const { unroutable } = plan(bigBody).result;
    expect(storableUnroutable(unroutable!, 60_000)).toEqual({ record: unroutable!.record, omitted: false });
  });

  it('leaves out a body too large for one message, keeping its size, hash and everything else', () => {
    const { unroutable } = plan(bigBody).result;
    const { record, omitted } = storableUnroutable(unroutable!, 40_000);
    expect(omitted).toBe(true);
    expect(record.body).toBeUndefined();
    expect(record).toMatchObject({ reason: 'object', object: 'instagram', receivedAt: new Date(0).toISOString() });
    expect(record.omitted).toEqual({ bytes: Buffer.byteLength(JSON.stringify(unroutable!.record)), sha256: unroutable!.msgID });
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(1000);
  });
});
