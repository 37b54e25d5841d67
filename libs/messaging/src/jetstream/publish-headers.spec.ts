import { headers as natsHeaders, type MsgHdrsImpl } from '@nats-io/nats-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORRELATION_HEADER, MSG_ID_HEADER, publishHeaders } from './publish-headers.js';

/** What the publisher sent before: nats.js' own headers, in the same order. */
function libraryHeaders(msgID: string, correlationId?: string): Uint8Array {
  const hdrs = natsHeaders() as MsgHdrsImpl;
  if (correlationId) hdrs.set(CORRELATION_HEADER, correlationId);
  if (msgID) hdrs.set(MSG_ID_HEADER, msgID);
  return hdrs.encode();
}

const bytesOf = (bytes: Uint8Array) => [...bytes];

describe('publishHeaders', () => {
  it('encodes exactly what nats.js encodes', () => {
    expect(bytesOf(publishHeaders('message:m_1', 'corr-1').encode())).toEqual(bytesOf(libraryHeaders('message:m_1', 'corr-1')));
    expect(bytesOf(publishHeaders('read:abc').encode())).toEqual(bytesOf(libraryHeaders('read:abc')));
    expect(new TextDecoder().decode(publishHeaders('id', 'c').encode())).toBe('NATS/1.0\r\nx-correlation-id: c\r\nNats-Msg-Id: id\r\n\r\n');
  });

  it('property: same bytes as nats.js for any value it accepts, and refuses the same values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), (msgID, correlationId) => {
        let expected: Uint8Array | Error;
        try {
          expected = libraryHeaders(msgID, correlationId);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => publishHeaders(msgID, correlationId)).toThrow(expected.message);
        else expect(bytesOf(publishHeaders(msgID, correlationId).encode())).toEqual(bytesOf(expected));
      }),
    );
  });
});
