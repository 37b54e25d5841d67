import { randomUUID } from 'node:crypto';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  ErrorCode,
  GetThreadOwner,
  ListAppPages,
  ListPageApps,
  parseRpcReply,
  PassThreadControl,
  ReleaseThreadControl,
  RequestNotification,
  RequestThreadControl,
  RpcError,
  RPC_TIMEOUT_HEADER,
  rpcSubject,
  SendMessage,
  SendNotification,
  TakeThreadControl,
  type RpcContract,
  type RpcRequest,
  type RpcResponse,
} from '@app/contracts';
import type { z } from 'zod';
import { NOTIFY_RETRY, withRetries, type RetryPolicy } from './notify-retry.js';

/**
 * The requests a bot makes to the suite, as itself. Each is a core-NATS request on
 * `<prefix>.rpc.<appId>.<operation>` with a timeout; failures throw RpcError with a stable code.
 */
export class SuiteClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly appId: string,
    private readonly timeoutMs: number,
    private readonly notifyRetry: RetryPolicy = NOTIFY_RETRY,
  ) {}

  send = (request: RpcRequest<typeof SendMessage>) => this.call(SendMessage, request);
  passThreadControl = (request: RpcRequest<typeof PassThreadControl>) => this.call(PassThreadControl, request);
  takeThreadControl = (request: RpcRequest<typeof TakeThreadControl>) => this.call(TakeThreadControl, request);
  requestThreadControl = (request: RpcRequest<typeof RequestThreadControl>) => this.call(RequestThreadControl, request);
  releaseThreadControl = (request: RpcRequest<typeof ReleaseThreadControl>) => this.call(ReleaseThreadControl, request);
  threadOwner = (request: RpcRequest<typeof GetThreadOwner>) => this.call(GetThreadOwner, request);
  pageApps = (request: RpcRequest<typeof ListPageApps>) => this.call(ListPageApps, request);
  /** The Pages this app is registered on, with its role and subscription on each; empty: it receives nothing. */
  myPages = () => this.call(ListAppPages, {});
  requestNotification = (request: RpcRequest<typeof RequestNotification>) => this.call(RequestNotification, request);
  /**
   * Spends one of the user's tokens. Carries an idempotency key, the caller's or one made for
   * this call, and is retried with it when the reply is lost or no replica answers: the suite
   * answers a repeated key with the first outcome, so a retry never spends a second token.
   * Pass your own key (e.g. `<orderId>:<topic>`) to be safe across your own retries too.
   */
  notify = (request: RpcRequest<typeof SendNotification>) => {
    const keyed = { ...request, idempotencyKey: request.idempotencyKey ?? randomUUID() };
    return withRetries(() => this.call(SendNotification, keyed), this.notifyRetry);
  };

  async call<C extends RpcContract<z.ZodType, z.ZodType>>(contract: C, request: RpcRequest<C>): Promise<RpcResponse<C>> {
    const subject = `${this.prefix}.${rpcSubject(contract, this.appId)}`;
    let reply;
    try {
      reply = await this.nc.request(subject, JSON.stringify(request), { timeout: this.timeoutMs, headers: this.timeoutHeader() });
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (/permissions violation/i.test(message)) {
        // The server refused the subject: this bot's credentials do not allow it (docs/access-control.md).
        throw new RpcError(ErrorCode.NotAllowed, `NATS refused ${subject}: ${message}`, { nats: 'permissions_violation' });
      }
      if (/no responders/i.test(message)) throw new RpcError(ErrorCode.Unavailable, `the suite does not answer ${contract.operation}`);
      if (/timeout/i.test(message)) throw new RpcError(ErrorCode.Timeout, `${contract.operation} did not answer within ${this.timeoutMs} ms`);
      throw new RpcError(ErrorCode.Internal, `${contract.operation} failed: ${message}`);
    }
    return parseRpcReply(reply.json(), contract.response) as RpcResponse<C>;
  }

  /** Tells the suite how long this call waits, so it can answer "in progress" in time. */
  private timeoutHeader() {
    const h = headers();
    h.set(RPC_TIMEOUT_HEADER, String(this.timeoutMs));
    return h;
  }
}
