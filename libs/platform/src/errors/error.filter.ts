import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ErrorCode, type ErrorBody } from '@app/contracts';
import type { FastifyReply } from 'fastify';
import { type Observable, throwError } from 'rxjs';
import { DomainError } from './domain-error.js';

/**
 * The one edge mapping for errors, in both transports:
 * - HTTP: DomainError → its status and `{ error: { code, message } }`;
 * - request-reply (NATS): the error body, which the reply serializer sends as `{ ok: false, error }`.
 * Anything unexpected is logged and answered as INTERNAL, without internals.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => this.rpcBody(error));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.httpAnswer(error);
    // JSON whatever content type the route declared (text/html fragments, text/plain challenges): Fastify
    // refuses to send an object under another type, and the error would become a 500.
    void reply.status(status).type('application/json; charset=utf-8').send({ error: body });
  }

  private rpcBody(error: unknown): ErrorBody {
    if (error instanceof DomainError) return error.toBody();
    this.logger.error({ err: error }, 'unexpected error in request handler');
    return { code: ErrorCode.Internal, message: 'internal error' };
  }

  private httpAnswer(error: unknown): { status: number; body: ErrorBody } {
    if (error instanceof DomainError) return { status: error.httpStatus, body: error.toBody() };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, body: { code: httpCode(status), message: error.message } };
    }
    this.logger.error({ err: error }, 'unexpected error in HTTP handler');
    return { status: 500, body: { code: ErrorCode.Internal, message: 'internal error' } };
  }
}

function httpCode(status: number): string {
  const codes: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };
  return codes[status] ?? (status < 500 ? ErrorCode.InvalidPayload : ErrorCode.Internal);
}
