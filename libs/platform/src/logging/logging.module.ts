import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';

/**
 * Paths pino must never print. Tokens, signatures and secrets can appear in headers and in
 * logged objects; they are replaced by "[redacted]".
 */
export const REDACTED_PATHS = [
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query["hub.verify_token"]',
  // Onboarding: the invite is a reusable credential, code and state finish a Facebook Login.
  'req.query.invite',
  'req.query.code',
  'req.query.state',
  // Session and login-state cookies the console and onboarding set (responses are logged at debug).
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.accessToken',
  '*.token',
  '*.one_time_notif_token',
  '*.oneTimeNotifToken',
  '*.appsecret_proof',
  '*.password',
  '*.secret',
];

/**
 * pino prints the request URL next to the (redacted) `query` object, so secrets passed as query
 * parameters (Meta's webhook handshake sends `hub.verify_token`) would reach the logs through it.
 */
const SECRET_QUERY_PARAM = /([?&](?:hub\.verify_token|access_token|appsecret_proof|invite|code|state)=)[^&#]*/gi;
export const redactUrl = (url: string): string => url.replace(SECRET_QUERY_PARAM, '$1[redacted]');

/**
 * Errors as pino prints them, less what a database error carries of the data: TypeORM's
 * `QueryFailedError` holds the statement's `parameters` and the driver's error, and PostgreSQL's
 * `detail` can quote the failing row; any of them may hold a user's message text.
 */
export function loggableError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (serialized === null || typeof serialized !== 'object') return serialized;
  const { parameters: _parameters, driverError: _driverError, detail: _detail, ...rest } = serialized;
  return rest;
}

export interface LoggingOptions {
  /**
   * false: no per-request middleware (nestjs-pino's pino-http child logger, AsyncLocalStorage
   * context and @fastify/middie pass). The ingress turns it off: on one POST per Meta delivery it
   * cost about a quarter of its CPU (docs/benchmarks.md); it logs responses with one Fastify hook
   * instead (apps/ingress/src/http/response-log.ts). Default true.
   */
  requestMiddleware?: boolean;
}

/** Structured JSON logs for one service, HTTP requests included (see stack notes, gotcha 12). */
@Module({})
export class LoggingModule {
  static forService(service: string, options: LoggingOptions = {}): DynamicModule {
    const perRequest = options.requestMiddleware ?? true;
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: service,
            level: process.env.LOG_LEVEL ?? 'info',
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            serializers: {
              req: (req: { url?: unknown }) => (typeof req.url === 'string' ? Object.assign(req, { url: redactUrl(req.url) }) : req),
              err: loggableError,
            },
            customProps: (req) => ({ correlationId: req.headers['x-correlation-id'] }),
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
            // A webhook POST per Meta event: successful requests are debug, failures stay visible.
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
          },
          // Without a route the middleware is never mounted (middie finds nothing to run).
          forRoutes: perRequest ? [{ path: '{*splat}', method: RequestMethod.ALL }] : [],
        }),
      ],
    };
  }
}
