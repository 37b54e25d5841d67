import 'reflect-metadata';
import { appDataSourceOptions } from '@app/platform';
import { DataSource } from 'typeorm';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS, NOTIFICATIONS_SCHEMA } from './database/schema.js';

/** The same options the app uses, for the TypeORM CLI (`migration:show`, `migration:revert`). */
export const notificationsDataSourceOptions = (url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho') =>
  appDataSourceOptions({ url, schema: NOTIFICATIONS_SCHEMA, entities: NOTIFICATIONS_ENTITIES, migrations: NOTIFICATIONS_MIGRATIONS });

export default new DataSource(notificationsDataSourceOptions());
