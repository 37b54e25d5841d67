import { randomBytes } from 'node:crypto';
import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { appDataSourceOptions } from './data-source-options.js';
import { DatabaseModule } from './database.module.js';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = 'dbmodule_spec';

class CreateItems1700000000000 implements MigrationInterface {
  name = 'CreateItems1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${SCHEMA}.items (id int PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.items`);
  }
}

/** Stands for a consumer that starts in onApplicationBootstrap and reads the app's tables. */
@Injectable()
class BootstrapProbe implements OnApplicationBootstrap {
  itemsTableAtBootstrap: boolean | undefined;
  constructor(private readonly dataSource: DataSource) {}
  async onApplicationBootstrap(): Promise<void> {
    const rows: Array<{ t: string | null }> = await this.dataSource.query(`SELECT to_regclass('${SCHEMA}.items')::text AS t`);
    this.itemsTableAtBootstrap = rows[0]?.t != null;
  }
}

/** Deeper in the module tree than DatabaseModule: Nest runs its bootstrap hooks first. */
@Module({ providers: [BootstrapProbe], exports: [BootstrapProbe] })
class ConsumerModule {}
@Module({ imports: [ConsumerModule], exports: [ConsumerModule] })
class FeatureModule {}

async function boot(databaseUrl: string, skipMigrations: boolean) {
  @Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ DATABASE_URL: databaseUrl, DB_SKIP_MIGRATIONS: skipMigrations })] }),
      DatabaseModule.forApp({
        schema: SCHEMA,
        dataSourceOptions: (url) => appDataSourceOptions({ url, schema: SCHEMA, entities: [], migrations: [CreateItems1700000000000] }),
      }),
      FeatureModule,
    ],
  })
  class SpecAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [SpecAppModule] }).compile();
  await moduleRef.init();
  return { probe: moduleRef.get(BootstrapProbe), close: () => moduleRef.close() };
}

describe('DatabaseModule.forApp', () => {
  const databases: string[] = [];
  const newDatabase = async () => {
    const name = `mho_test_dbmodule_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databases.push(name);
    return ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  };

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('runs the migrations in onModuleInit, so they are done before any onApplicationBootstrap', async () => {
    const app = await boot(await newDatabase(), false);
    try {
      expect(app.probe.itemsTableAtBootstrap).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('runs none when DB_SKIP_MIGRATIONS is set', async () => {
    const url = await newDatabase();
    const app = await boot(url, true);
    try {
      expect(app.probe.itemsTableAtBootstrap).toBe(false);
    } finally {
      await app.close();
    }
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query(`SELECT to_regclass('${SCHEMA}.migrations')::text AS t`);
    await db.end();
    expect(rows[0].t).toBeNull();
  });
});
