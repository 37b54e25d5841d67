import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { runMigrationsWithLock } from '@app/platform';
import { DataSource } from 'typeorm';
import type { NotificationsEnv } from '../config/env.js';
import { NOTIFICATIONS_SCHEMA } from './schema.js';

/**
 * Brings the schema up to date during module init, i.e. before any onApplicationBootstrap hook:
 * the event consumer, the sweep and the retry loop start there, so they never see old tables.
 */
@Injectable()
export class MigrationsRunner implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<NotificationsEnv, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.get('DB_SKIP_MIGRATIONS', { infer: true })) return;
    await runMigrationsWithLock(this.dataSource, NOTIFICATIONS_SCHEMA);
  }
}
