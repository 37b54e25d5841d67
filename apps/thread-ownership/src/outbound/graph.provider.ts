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
    }),
  inject: [ConfigService],
};
