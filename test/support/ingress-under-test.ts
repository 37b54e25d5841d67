import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootIngress } from '../../apps/ingress/test/boot-ingress.js';
import { StreamReader } from '../../apps/ingress/test/stream-reader.js';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** The ingress alone against the real NATS, with a reader of what it stored; `stop` undoes it all. */
export interface IngressUnderTest {
  env: TestEnvironment;
  app: NestFastifyApplication;
  url: string;
  reader: StreamReader;
  stop(): Promise<void>;
}

export async function startIngress(extraEnv: Record<string, string> = {}): Promise<IngressUnderTest> {
  const env = await createTestEnvironment(extraEnv);
  const { app, url } = await bootIngress();
  const reader = await StreamReader.open(env.natsUrl, env.prefix);
  return {
    env,
    app,
    url,
    reader,
    async stop() {
      await app.close();
      await reader.close();
      await env.cleanup();
    },
  };
}
