import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { UpstreamError } from './upstream-http.js';

/**
 * Another service refused or could not be reached: the operator sees its own code and message
 * (e.g. NOT_THREAD_OWNER, 409) rather than a generic 500.
 */
@Catch(UpstreamError)
export class UpstreamErrorFilter implements ExceptionFilter {
  catch(error: UpstreamError, host: ArgumentsHost): void {
    const status = (error.status >= 400 && error.status < 500) || error.status === 501 ? error.status : error.code === 'TIMEOUT' ? 504 : 502;
    void host.switchToHttp().getResponse<FastifyReply>().status(status).type('application/json; charset=utf-8').send({ error: { code: error.code, message: `${error.service}: ${error.message}` } });
  }
}
