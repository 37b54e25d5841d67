import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A named (prepared) statement run on the pg pool under TypeORM, for the per-event hot paths.
 * PostgreSQL parses and plans a named statement once per connection; TypeORM's `query()` sends
 * unnamed ones, parsed and planned again on every call, which was the largest part of
 * PostgreSQL's CPU at hundreds of events per second. Use it from repository files only, like
 * the rest of the database access.
 */
export class PreparedStatement<R extends QueryResultRow = QueryResultRow> {
  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  /** The rows the statement returned. */
  async run(dataSource: DataSource, values: unknown[]): Promise<R[]> {
    return (await this.execute(dataSource, values)).rows;
  }

  /** How many rows it wrote (INSERT / UPDATE / DELETE without RETURNING). */
  async count(dataSource: DataSource, values: unknown[]): Promise<number> {
    return (await this.execute(dataSource, values)).rowCount ?? 0;
  }

  /** The rows it returned, run on a connection the caller holds (inside its transaction). */
  async runOn(client: PoolClient, values: unknown[]): Promise<R[]> {
    return (await client.query<R>({ name: this.name, text: this.text, values })).rows;
  }

  private execute(dataSource: DataSource, values: unknown[]) {
    return poolOf(dataSource).query<R>({ name: this.name, text: this.text, values });
  }
}

/** TypeORM's postgres driver keeps its pg.Pool as `master` (typed `any` there). */
function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the data source is not an initialised PostgreSQL data source');
  return pool;
}
