import 'reflect-metadata';
import { appDataSourceOptions } from '@app/platform';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { CONSOLE_ENTITIES, CONSOLE_MIGRATIONS, CONSOLE_SCHEMA } from './database/schema.js';

/** One definition for the app and the TypeORM CLI (`migration:show`, `migration:revert`). */
export const consoleDataSourceOptions = (url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho'): DataSourceOptions =>
  appDataSourceOptions({ url, schema: CONSOLE_SCHEMA, entities: CONSOLE_ENTITIES, migrations: CONSOLE_MIGRATIONS });

export default new DataSource(consoleDataSourceOptions());
