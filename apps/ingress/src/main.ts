import 'reflect-metadata';
import { createHttpApp, listen, validateEnv } from '@app/platform';
import { AppModule } from './app.module.js';
import { ingressEnvSchema } from './config/ingress-env.js';
import { configureIngressHttp } from './http/configure-ingress-http.js';

// Validated here too: the body limit and the address are needed before Nest exists.
const env = validateEnv(ingressEnvSchema)(process.env);
const bodyLimit = env.WEBHOOK_BODY_LIMIT_BYTES;

const app = await createHttpApp(AppModule, {
  bodyLimit,
  configure: (created) => configureIngressHttp(created, bodyLimit),
});
await listen(app, env.HOST, env.INGRESS_PORT, 'ingress');
