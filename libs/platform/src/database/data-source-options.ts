import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface AppDataSourceConfig {
  url: string;
  /** Each app owns one PostgreSQL schema; no other app reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * Options shared by the app module and the TypeORM CLI (`data-source.ts` of each app).
 * Never `synchronize`: the schema changes only through reviewed migrations, run at boot under an
 * advisory lock (DatabaseModule, runMigrationsWithLock).
 */
export function appDataSourceOptions(config: AppDataSourceConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: config.entities,
    migrations: config.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
