import { Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { ErrorCode, parseRpcReply, RpcError, rpcSubject, type RpcContract, type RpcRequest, type RpcResponse } from '@app/contracts';
import type { z } from 'zod';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { CORRELATION_HEADER } from '../jetstream/jetstream-publisher.js';

export interface CallOptions {
  /** For bot-scoped operations: the app on whose behalf the call is made. */
  appId?: string;
  timeoutMs?: number;
  correlationId?: string;
}

/** Core-NATS request-reply with a timeout, always; errors come back as RpcError with a stable code. */
@Injectable()
export class RpcClient {
  constructor(private readonly nats: NatsConnectionService) {}

  async call<C extends RpcContract<z.ZodType, z.ZodType>>(contract: C, payload: RpcRequest<C>, options: CallOptions = {}): Promise<RpcResponse<C>> {
    const hdrs = natsHeaders();
    if (options.correlationId) hdrs.set(CORRELATION_HEADER, options.correlationId);
    const subject = this.nats.subject(rpcSubject(contract, options.appId));
    const timeout = options.timeoutMs ?? this.nats.options.rpcTimeoutMs;
    try {
      const reply = await this.nats.nc.request(subject, JSON.stringify(payload), { timeout, headers: hdrs });
      return parseRpcReply(reply.json(), contract.response) as RpcResponse<C>;
    } catch (error) {
      throw toRpcError(error, contract.operation, timeout);
    }
  }
}

export function toRpcError(error: unknown, operation: string, timeout: number): RpcError {
  if (error instanceof RpcError) return error;
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? '';
  if (name === 'NoRespondersError' || /no responders/i.test(message)) return new RpcError(ErrorCode.Unavailable, `no service answers ${operation}`);
  if (name === 'TimeoutError' || /timeout/i.test(message)) return new RpcError(ErrorCode.Timeout, `${operation} did not answer within ${timeout} ms`);
  return new RpcError(ErrorCode.Internal, `${operation} failed: ${message}`);
}
