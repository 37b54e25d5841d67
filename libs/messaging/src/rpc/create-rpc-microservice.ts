import type { INestApplication } from '@nestjs/common';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../connection/messaging-options.js';
import { NatsRpcServer } from './nats-rpc.server.js';

/**
 * Attaches the request-reply server (all `@MessagePattern` handlers) to an HTTP app. It inherits
 * the app's global error filter, which answers typed error bodies in both transports.
 */
export function connectRpcMicroservice(app: INestApplication): void {
  const options = app.get<MessagingOptions>(MESSAGING_OPTIONS);
  app.connectMicroservice({ strategy: new NatsRpcServer(options) }, { inheritAppConfig: true });
}
