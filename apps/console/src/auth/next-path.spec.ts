import { describe, expect, it } from 'vitest';
import { safeNextPath } from './session.guard.js';

describe('safeNextPath (where a login returns to)', () => {
  it('keeps a path of the console', () => {
    expect(safeNextPath('/pages/1234567890/threads/7001')).toBe('/pages/1234567890/threads/7001');
    expect(safeNextPath('/?page=1234567890')).toBe('/?page=1234567890');
  });

  it('turns anything that could leave the console into /', () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'evil', '', '/a\nb', '/a\u0000', '/a\u007f', '/\u0101', '/a b', `/${'x'.repeat(600)}`, undefined, 42, ['/a']]) {
      expect(safeNextPath(next)).toBe('/');
    }
  });
});
