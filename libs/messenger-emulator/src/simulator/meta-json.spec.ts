import { describe, expect, it } from 'vitest';
import { metaJsonStringify } from '../index.js';

describe('metaJsonStringify', () => {
  it('escapes non-ASCII as lowercase \\uXXXX and slashes, and parses back to the same value', () => {
    const value = { text: 'äöå €', emoji: '😀', url: 'https://a/b', plain: 'x"y\\z' };
    const json = metaJsonStringify(value);
    expect(json).toBe('{"text":"\\u00e4\\u00f6\\u00e5 \\u20ac","emoji":"\\ud83d\\ude00","url":"https:\\/\\/a\\/b","plain":"x\\"y\\\\z"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => metaJsonStringify(undefined)).toThrow(TypeError);
  });
});
