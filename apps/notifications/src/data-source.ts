import 'reflect-metadata';
import { appDataSourceOptions } from '@app/platform';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_SCHEMA } from './database/schema.js';
import { InitNotifications1764060000000 } from './migrations/1764060000000-InitNotifications.js';
import { NotifyIdempotencyKey1764110000000 } from './migrations/1764110000000-NotifyIdempotencyKey.js';
import { WindowLastMessage1764150000000 } from './migrations/1764150000000-WindowLastMessage.js';

/** In order. Listed explicitly: TypeORM globs cannot load .ts under vitest and break bundled builds. */
export const NOTIFICATIONS_MIGRATIONS = [InitNotifications1764060000000, NotifyIdempotencyKey1764110000000, WindowLastMessage1764150000000];

/**
 * One definition for the app (DatabaseModule) and the TypeORM CLI (`migration:show`,
 * `migration:revert`). `poolMax` is the app's DB_POOL_MAX; the CLI needs no more than the default.
 */
export function notificationsDataSourceOptions(url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho', poolMax?: number): DataSourceOptions {
  const options = appDataSourceOptions({ url, schema: NOTIFICATIONS_SCHEMA, entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });
  return poolMax === undefined ? options : { ...options, extra: { ...options.extra, max: poolMax } };
}

export default new DataSource(notificationsDataSourceOptions());
