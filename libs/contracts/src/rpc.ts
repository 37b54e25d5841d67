import { z } from 'zod';

/**
 * A request-reply contract. Bot-facing operations live under `rpc.<appId>.<operation>`: the
 * calling app is the subject token, so NATS permissions can stop app A from acting as app B.
 * Service-to-service questions live under `internal.<operation>`, which bots may not publish to.
 */
export interface RpcContract<Req extends z.ZodType, Res extends z.ZodType> {
  readonly operation: string;
  readonly scope: 'bot' | 'internal';
  readonly request: Req;
  readonly response: Res;
}

/**
 * NATS header of a request: how long the caller waits for the reply, in ms (the bot SDK sends
 * its request timeout). A service that would otherwise wait on something may answer "still in
 * progress, ask again" before then, rather than let the caller time out without an answer.
 */
export const RPC_TIMEOUT_HEADER = 'mho-timeout-ms';

export const defineRpc = <Req extends z.ZodType, Res extends z.ZodType>(c: RpcContract<Req, Res>) => c;

/** The subject a caller publishes to. */
export function rpcSubject(contract: RpcContract<z.ZodType, z.ZodType>, appId?: string): string {
  if (contract.scope === 'internal') return `internal.${contract.operation}`;
  if (!appId) throw new Error(`${contract.operation} is called on behalf of an app: appId is required`);
  return `rpc.${appId}.${contract.operation}`;
}

/** The (wildcard) subject a service listens on. */
export const rpcPattern = (contract: RpcContract<z.ZodType, z.ZodType>): string =>
  contract.scope === 'internal' ? `internal.${contract.operation}` : `rpc.*.${contract.operation}`;

/** The calling app, read from a concrete bot subject `…rpc.<appId>.<operation>`. */
export function appIdFromRpcSubject(subject: string, contract: RpcContract<z.ZodType, z.ZodType>): string {
  const tokens = subject.split('.');
  const opTokens = contract.operation.split('.').length;
  return tokens[tokens.length - opTokens - 1] ?? '';
}

export type RpcRequest<C> = C extends RpcContract<infer Req, z.ZodType> ? z.input<Req> : never;
export type RpcResponse<C> = C extends RpcContract<z.ZodType, infer Res> ? z.infer<Res> : never;
