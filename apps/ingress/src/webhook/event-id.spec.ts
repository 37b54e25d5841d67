import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventIdFor, sha256Hex } from './event-id.js';

const base = { pageId: '1001', channel: 'messaging' as const };

/** Same JSON value, object keys in a different order at every depth. */
function reorderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorderKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reorderKeys(item)]));
}

describe('eventIdFor', () => {
  it('uses the mid for messages, echoes and postbacks', () => {
    expect(eventIdFor({ ...base, kind: 'message', event: { message: { mid: 'm_1' } } })).toBe('message:m_1');
    expect(eventIdFor({ ...base, kind: 'echo', event: { message: { mid: 'm_2', is_echo: true } } })).toBe('echo:m_2');
    expect(eventIdFor({ ...base, kind: 'postback', event: { postback: { mid: 'm_3' } } })).toBe('postback:m_3');
  });

  it('keeps the standby copy of a message apart from its messaging copy (one per Meta app)', () => {
    const event = { message: { mid: 'm_1' } };
    expect(eventIdFor({ ...base, channel: 'standby', kind: 'message', event })).toBe('message:m_1:standby');
    expect(eventIdFor({ ...base, kind: 'message', event })).toBe('message:m_1');
  });

  it('hashes events without a mid (and a message whose mid is missing)', () => {
    const read = eventIdFor({ ...base, kind: 'read', event: { read: { watermark: 1 } } });
    expect(read).toMatch(/^[0-9a-f]{64}$/);
    expect(eventIdFor({ ...base, kind: 'message', event: { message: { text: 'no mid' } } })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not use the reacted-to mid of a reaction (it is not the reaction id)', () => {
    const event = { reaction: { mid: 'm_target', action: 'react' } };
    expect(eventIdFor({ ...base, kind: 'reaction', event })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells apart the same content on another page or channel', () => {
    const event = { read: { watermark: 5 }, sender: { id: '7' } };
    const ids = new Set([
      eventIdFor({ ...base, kind: 'read', event }),
      eventIdFor({ ...base, pageId: '1002', kind: 'read', event }),
      eventIdFor({ ...base, channel: 'standby', kind: 'read', event }),
    ]);
    expect(ids.size).toBe(3);
  });

  it('property: the id of a content-hashed event ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (event) => {
        const again = reorderKeys(JSON.parse(JSON.stringify(event))) as Record<string, unknown>;
        expect(eventIdFor({ ...base, kind: 'unknown', event: again })).toBe(eventIdFor({ ...base, kind: 'unknown', event }));
      }),
    );
  });

  it('property: different contents get different ids', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        const idOf = (value: unknown) => eventIdFor({ ...base, kind: 'unknown', event: { value } });
        expect(idOf(a)).not.toBe(idOf(b));
      }),
    );
  });
});

/** The first implementation: ids already stored in JetStream were computed with it. */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => firstCanonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${firstCanonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('sha256Hex', () => {
  it('property: the hex SHA-256 of the UTF-8 bytes, as createHash computes it (stored ids depend on it)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
        expect(sha256Hex(Buffer.from(text))).toBe(createHash('sha256').update(text).digest('hex'));
      }),
    );
  });
});

describe('canonicalJson', () => {
  it('property: never changes its output (stored event ids depend on it)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(firstCanonicalJson(value));
      }),
      { numRuns: 500 },
    );
    const odd = JSON.parse('{"__proto__":{"b":1,"a":[null,"\\u2028",{"z":-0}]},"constructor":1e21,"":""}');
    expect(canonicalJson(odd)).toBe(firstCanonicalJson(odd));
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe(firstCanonicalJson({ a: undefined, b: [undefined, 1] }));
  });

  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[3,{"c":2,"d":1}]}');
  });

  it('property: is valid JSON for the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
