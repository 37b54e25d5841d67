import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

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
  '*.access_token',
  '*.accessToken',
  '*.token',
  '*.one_time_notif_token',
  '*.oneTimeNotifToken',
  '*.appsecret_proof',
  '*.password',
  '*.secret',
];

/** Structured JSON logs for one service, HTTP requests included (see stack notes, gotcha 12). */
@Module({})
export class LoggingModule {
  static forService(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: service,
            level: process.env.LOG_LEVEL ?? 'info',
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            customProps: (req) => ({ correlationId: req.headers['x-correlation-id'] }),
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
      ],
    };
  }
}
