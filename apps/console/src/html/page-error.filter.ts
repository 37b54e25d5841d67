import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError } from '@app/platform';
import type { FastifyReply } from 'fastify';
import { html } from './html.js';
import { page } from './layout.js';

/**
 * On a page an operator opens in the browser (a mistyped conversation link), a refusal is shown
 * as a page of the console, with its message and a way back, not as the API's JSON.
 */
@Catch(DomainError)
export class PageErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const body = html`<nav class="crumbs"><a href="/">← All conversations</a></nav><section class="card"><h1>This page cannot be shown</h1><p class="error" role="alert">${error.message}</p></section>`;
    void host.switchToHttp().getResponse<FastifyReply>().status(error.httpStatus).type('text/html; charset=utf-8').send(page({ title: 'Error', body, signedIn: true }));
  }
}
