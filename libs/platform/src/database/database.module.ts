import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { runMigrationsWithLock } from './migration-runner.js';

/** `Config`: the app's own typed ConfigService (e.g. `ConfigService<AppEnv, true>`), when it reads one. */
export interface DatabaseModuleOptions<Config = ConfigService> {
  /** The PostgreSQL schema the app owns; its migrations run under an advisory lock keyed on it. */
  schema: string;
  /**
   * The app's options from its `data-source.ts`, the same ones the TypeORM CLI uses, for the
   * validated `DATABASE_URL`. `config` is there for app-specific tuning (e.g. a pool size).
   */
  dataSourceOptions: (databaseUrl: string, config: Config) => DataSourceOptions;
}

const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');

/**
 * onModuleInit: Nest finishes every module's init hooks before it calls any
 * onApplicationBootstrap, where consumers, sweeps and retry loops start, so none of them ever
 * sees an old schema.
 */
@Injectable()
class MigrateOnBoot implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    @Inject(DATABASE_MODULE_OPTIONS) private readonly options: Pick<DatabaseModuleOptions, 'schema'>,
  ) {}

  async onModuleInit(): Promise<void> {
    // Installations that run migrations as a separate step (TypeORM CLI on data-source.ts).
    if (this.config.get<boolean>('DB_SKIP_MIGRATIONS')) return;
    await runMigrationsWithLock(this.dataSource, this.options.schema);
  }
}

/** An app's one database connection (TypeORM), with its migrations run at boot. Needs a global ConfigModule. */
@Module({})
export class DatabaseModule {
  static forApp<Config = ConfigService>(options: DatabaseModuleOptions<Config>): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          // The one ConfigService instance; Config only narrows its type for the app.
          useFactory: (config: ConfigService) => options.dataSourceOptions(config.getOrThrow<string>('DATABASE_URL'), config as Config),
        }),
      ],
      providers: [{ provide: DATABASE_MODULE_OPTIONS, useValue: options }, MigrateOnBoot],
    };
  }
}
