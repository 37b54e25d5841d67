import { randomUUID } from 'node:crypto';
import type { ConsumerDeserializer, IncomingRequest, Serializer } from '@nestjs/microservices';
import { ErrorCode, type RpcReply } from '@app/contracts';

interface NatsMsgLike {
  reply?: string;
  json<T>(): T;
}

/**
 * Request bodies are plain JSON (no Nest envelope), so a bot written in any language can call a
 * subject with an ordinary NATS request. A message with a reply subject is a request.
 */
export class PlainJsonRequestDeserializer implements ConsumerDeserializer {
  deserialize(value: NatsMsgLike, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    let data: unknown;
    try {
      data = value.json();
    } catch {
      data = undefined; // the payload pipe answers INVALID_PAYLOAD
    }
    return { pattern: options?.channel ?? '', data, id: value.reply ? randomUUID() : (undefined as unknown as string) };
  }
}

interface WritePacketLike {
  response?: unknown;
  err?: unknown;
}

/** Replies are `{ ok: true, data }` or `{ ok: false, error: { code, message } }`. */
export class PlainJsonReplySerializer implements Serializer {
  serialize(packet: WritePacketLike): { data: string } {
    return { data: JSON.stringify(toReply(packet)) };
  }
}

function toReply(packet: WritePacketLike): RpcReply {
  if (packet.err === undefined) return { ok: true, data: packet.response ?? null };
  const err = packet.err as { code?: unknown; message?: unknown; details?: Record<string, unknown> };
  if (typeof err === 'object' && err && typeof err.code === 'string') {
    return { ok: false, error: { code: err.code, message: String(err.message ?? ''), ...(err.details ? { details: err.details } : {}) } };
  }
  return { ok: false, error: { code: ErrorCode.Internal, message: typeof err === 'string' ? err : 'internal error' } };
}
