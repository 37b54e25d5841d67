import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { runMigrationsWithLock } from '@app/platform';
import { DataSource } from 'typeorm';
import type { ConsoleEnv } from '../config/console-env.js';
import { consoleDataSourceOptions } from '../data-source.js';
import { CONSOLE_SCHEMA } from './schema.js';

/** Brings the schema up to date in onModuleInit, i.e. before the consumers start (onApplicationBootstrap). */
@Injectable()
export class ConsoleMigrations implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<ConsoleEnv, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.get('DB_SKIP_MIGRATIONS', { infer: true })) return;
    await runMigrationsWithLock(this.dataSource, CONSOLE_SCHEMA);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ConsoleEnv, true>) => consoleDataSourceOptions(config.get('DATABASE_URL', { infer: true })),
    }),
  ],
  providers: [ConsoleMigrations],
})
export class ConsoleDatabaseModule {}
