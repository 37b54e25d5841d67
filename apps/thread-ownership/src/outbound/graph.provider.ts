import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GraphClient } from '@app/graph-api';

export const graphClientProvider: Provider = {
  provide: GraphClient,
  useFactory: (config: ConfigService) =>
    new GraphClient({
      baseUrl: config.getOrThrow<string>('GRAPH_API_URL'),
      version: config.getOrThrow<string>('GRAPH_API_VERSION'),
      appSecret: config.getOrThrow<string>('META_APP_SECRET'),
      maxAttempts: config.get<number>('GRAPH_MAX_ATTEMPTS'),
      baseDelayMs: config.get<number>('GRAPH_RETRY_BASE_DELAY_MS'),
      usagePauseMs: config.get<number>('GRAPH_USAGE_PAUSE_MS'),
      rateLimits: {
        textPerSecond: config.get<number>('GRAPH_SEND_RATE_PER_SECOND'),
        mediaPerSecond: config.get<number>('GRAPH_MEDIA_SEND_RATE_PER_SECOND'),
        maxWaitMs: config.get<number>('GRAPH_SEND_MAX_WAIT_MS'),
      },
    }),
  inject: [ConfigService],
};
