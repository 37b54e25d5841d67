import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const FORM_LIMIT_BYTES = 16 * 1024;
/** The routes a plain HTML form posts to. */
const FORM_ROUTES = new Set(['/login', '/logout']);

/** Strict: no inline script, nothing from other origins, never framed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Fastify setup the console needs before it listens (main.ts and the tests both use it). */
export function configureConsoleHttp(app: NestFastifyApplication): void {
  // The login and logout forms post application/x-www-form-urlencoded (they work without the
  // script). Nothing else takes a form: the operator actions are JSON only, which a cross-site
  // form cannot send. (Logging out needs no protection of that kind: the session cookie is
  // SameSite, and the worst a forged logout does is ask for the password again.)
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: FORM_LIMIT_BYTES }, (request, body, done) => {
    if (!FORM_ROUTES.has(request.url.split('?')[0] ?? '')) return done(new UnsupportedMediaTypeException('this route takes application/json'), undefined);
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_request, reply, payload, done) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('cache-control', 'no-store');
      }
      done(null, payload);
    });
}
