import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { listen } from '@app/platform';
import type { IngressEnv } from './config/ingress-env.js';
import { createIngressApp } from './create-app.js';

const app = await createIngressApp();
const config = app.get<ConfigService<IngressEnv, true>>(ConfigService);
await listen(app, config.get('HOST', { infer: true }), config.get('INGRESS_PORT', { infer: true }), 'ingress');
