import { Catch, type ArgumentsHost, type CanActivate, type ExceptionFilter, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionsService } from './sessions.service.js';

/** Thrown by SessionGuard; LoginRequiredFilter turns it into a redirect (pages) or a 401 (scripts). */
export class LoginRequired extends Error {
  constructor() {
    super('log in first');
    this.name = 'LoginRequired';
  }
}

/** Every console page, fragment, stream and action needs a valid session cookie. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.sessions.fromRequest(context.switchToHttp().getRequest<FastifyRequest>())) return true;
    throw new LoginRequired();
  }
}

@Catch(LoginRequired)
export class LoginRequiredFilter implements ExceptionFilter {
  catch(_error: LoginRequired, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html') && !request.headers['x-console-fragment'];
    if (wantsPage) void reply.redirect(loginUrl(request.url), 303);
    else void reply.status(401).send({ error: { code: 'UNAUTHORIZED', message: 'log in first' } });
  }
}

/** The login page, coming back to `path` (the page asked for) once logged in. */
function loginUrl(path: string): string {
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}

/**
 * Where a login may send the operator back to: a path of this console only. Anything else (an
 * absolute URL, `//host`, `/\host`, control characters) would make the login page an open
 * redirect, so it becomes `/`.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500 || !next.startsWith('/')) return '/';
  // Printable ASCII only (what a Location header can carry as it is), no backslash.
  if (next.startsWith('//') || !/^[\x21-\x7e]*$/.test(next) || next.includes('\\')) return '/';
  return next;
}
