import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_PATHS, redactUrl } from '@app/platform';

/**
 * The platform's logging (pino, JSON, the same redaction) without nestjs-pino's per-request
 * middleware. The webhook takes one POST per Meta delivery, and what that middleware does for
 * every request (a pino-http child logger with redaction, an AsyncLocalStorage context, which
 * puts a hook on every promise, and @fastify/middie's pass) cost about a quarter of the
 * ingress' CPU (docs/benchmarks.md). Responses are logged by one Fastify hook instead (logResponses in
 * http/response-log.ts): failures at warn/error with their correlation id, the rest at debug.
 * Differs from LoggingModule.forService only there; keep the two in step.
 */
@Module({})
export class IngressLoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: IngressLoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: 'ingress',
            level: process.env.LOG_LEVEL ?? 'info',
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            serializers: { req: (req: { url?: unknown }) => (typeof req.url === 'string' ? Object.assign(req, { url: redactUrl(req.url) }) : req) },
          },
          // No route: the middleware is never mounted (middie finds nothing to run).
          forRoutes: [],
        }),
      ],
    };
  }
}
