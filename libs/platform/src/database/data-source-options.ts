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
    extra: {
      max: 20,
      connectionTimeoutMillis: 5000,
      // pg-pool closes a connection idle for 10 s by default; under bursty load that meant new
      // backends (a fork, authentication, cold caches, every prepared statement planned again)
      // over and over. Kept for 5 minutes instead.
      idleTimeoutMillis: 300_000,
      // The hot paths run prepared statements over arrays (one statement per batch). With the
      // default `auto`, PostgreSQL compares each run's custom plan with the generic one and, since
      // array sizes are unknown to the generic plan, kept planning every execution anew: planning
      // was most of its CPU at 1,000 events/s. Every such statement here is a key lookup.
      options: '-c plan_cache_mode=force_generic_plan',
    },
  };
}
