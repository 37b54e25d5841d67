import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { listen } from '@app/platform';
import { createThreadOwnershipApp } from './create-app.js';

const app = await createThreadOwnershipApp();
const config = app.get(ConfigService);
await listen(app, config.getOrThrow('HOST'), config.getOrThrow('THREAD_OWNERSHIP_PORT'), 'thread-ownership');
