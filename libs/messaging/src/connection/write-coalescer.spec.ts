import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from './write-coalescer.js';

describe('WriteCoalescer', () => {
  it('runs the sends of one turn together at its end, in order', async () => {
    const coalescer = new WriteCoalescer();
    const ran: string[] = [];
    coalescer.defer(() => ran.push('a'));
    coalescer.defer(() => ran.push('b'));
    ran.push('same turn');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['same turn', 'a', 'b']);
  });

  it('keeps going after a send that throws, and schedules the next turn afresh', async () => {
    const coalescer = new WriteCoalescer();
    const ran: string[] = [];
    coalescer.defer(() => {
      throw new Error('connection closed');
    });
    coalescer.defer(() => ran.push('after the failure'));
    await new Promise((resolve) => setImmediate(resolve));
    coalescer.defer(() => ran.push('next turn'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['after the failure', 'next turn']);
  });
});
