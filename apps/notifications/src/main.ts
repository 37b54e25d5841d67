import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { listen } from '@app/platform';
import { SERVICE_NAME } from './app.module.js';
import type { NotificationsEnv } from './config/env.js';
import { createNotificationsApp } from './create-app.js';

const app = await createNotificationsApp();
const config = app.get<ConfigService<NotificationsEnv, true>>(ConfigService);
await listen(app, config.get('HOST', { infer: true }), config.get('NOTIFICATIONS_PORT', { infer: true }), SERVICE_NAME);
