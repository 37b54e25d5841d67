import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { listen } from '@app/platform';
import { SERVICE_NAME } from './app.module.js';
import type { ConsoleEnv } from './config/console-env.js';
import { createConsoleApp } from './create-app.js';

const app = await createConsoleApp();
const config = app.get<ConfigService<ConsoleEnv, true>>(ConfigService);
await listen(app, config.get('HOST', { infer: true }), config.get('CONSOLE_PORT', { infer: true }), SERVICE_NAME);
