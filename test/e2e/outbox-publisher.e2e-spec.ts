import 'reflect-metadata';
import { ConsoleLogger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { StorageType } from '@nats-io/jetstream';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamName } from '@app/contracts';
import { MessagingModule, NatsConnectionService } from '@app/messaging';
import { Clock, DatabaseModule, ManualClock, validateEnv } from '@app/platform';
import { threadOwnershipEnvSchema, type ThreadOwnershipEnv } from '../../apps/thread-ownership/src/config/thread-ownership-env.js';
import { ThreadOwnershipSettings } from '../../apps/thread-ownership/src/config/thread-ownership-settings.js';
import { THREAD_OWNERSHIP_SCHEMA, threadOwnershipDataSourceOptions } from '../../apps/thread-ownership/src/data-source.js';
import { OutboxPublisher } from '../../apps/thread-ownership/src/delivery/outbox-publisher.service.js';
import { OutboxRepository } from '../../apps/thread-ownership/src/delivery/outbox.repository.js';
import type { OutboxMessage } from '../../apps/thread-ownership/src/threads/threads.repository.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';
import { waitFor } from '../support/wait-for.js';

/** The publisher's collection delay for "published" marks (MARK_DELAY_MS in outbox-publisher.service.ts). */
const MARK_DELAY_MS = 100;
/** JetStreamPublisher's default ack timeout (DEFAULT_TIMEOUT_MS in jetstream-publisher.ts). */
const ACK_TIMEOUT_MS = 2000;
const SUBJECT_ROOT = { stored: 'bot', 'stored-unacked': 'noack', unstored: 'unstored' } as const;
/** thread-ownership's time; the outbox rows are written at it, so its relay never finds them stale. */
const NOW = new Date('2026-03-01T12:00:00.000Z');

/** The thread-ownership providers the outbox needs, booted as the app boots them (real NATS, JetStream, PostgreSQL). */
interface OutboxSlice {
  publisher: OutboxPublisher;
  repository: OutboxRepository;
  nats: NatsConnectionService;
  dataSource: DataSource;
  close(): Promise<void>;
}

async function bootOutboxSlice(): Promise<OutboxSlice> {
  @Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(threadOwnershipEnvSchema) }),
      MessagingModule.forService('thread-ownership'),
      DatabaseModule.forApp({ schema: THREAD_OWNERSHIP_SCHEMA, dataSourceOptions: threadOwnershipDataSourceOptions }),
    ],
    providers: [
      { provide: Clock, useValue: new ManualClock(NOW) },
      { provide: ThreadOwnershipSettings, useFactory: (config: ConfigService<ThreadOwnershipEnv, true>) => ThreadOwnershipSettings.fromConfig(config), inject: [ConfigService] },
      OutboxRepository,
      OutboxPublisher,
    ],
  })
  class OutboxSliceModule {}
  // The publisher's expected warnings (a refused publish) stay out of the test output.
  const moduleRef = await Test.createTestingModule({ imports: [OutboxSliceModule] })
    .setLogger(new ConsoleLogger({ logLevels: ['error', 'fatal'] }))
    .compile();
  await moduleRef.init();
  return {
    publisher: moduleRef.get(OutboxPublisher),
    repository: moduleRef.get(OutboxRepository),
    nats: moduleRef.get(NatsConnectionService),
    dataSource: moduleRef.get(DataSource),
    close: () => moduleRef.close(),
  };
}

/**
 * The publisher against the real JetStream stream and the real outbox table: what it sends and
 * when, what JetStream stores, and the marks it writes. A row JetStream refuses goes to a subject
 * no stream stores (NATS answers "no responders"). Every UPDATE of the outbox is recorded by a
 * statement-level trigger (test database only), so "one statement" is what PostgreSQL ran.
 */
describe('OutboxPublisher.publishNow', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let slice: OutboxSlice;

  beforeAll(async () => {
    // The relay stays out of the way: these tests are about publishNow and its marks.
    env = await createTestEnvironment({ OUTBOX_RELAY_INTERVAL_MS: '3600000' });
    slice = await bootOutboxSlice();
    await slice.nats.jsm.streams.add({ name: noAck(), subjects: [`${env.prefix}.noack.>`], no_ack: true, storage: StorageType.Memory });
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    await db.query(`CREATE TABLE public.outbox_update_statements (n bigserial PRIMARY KEY, ids bigint[] NOT NULL)`);
    await db.query(`CREATE FUNCTION public.record_outbox_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO public.outbox_update_statements (ids) SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM updated;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER record_outbox_update AFTER UPDATE ON thread_ownership.outbox
      REFERENCING NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION public.record_outbox_update()`);
  });

  afterAll(async () => {
    await slice?.close();
    await db?.end();
    await env?.cleanup();
  });

  const bots = () => streamName(env.prefix, 'BOTS');
  /** Named like the app's streams, so the environment's cleanup deletes it too. */
  const noAck = () => `${env.prefix.toUpperCase()}_NOACK`;

  /**
   * Outbox rows as a committed ownership change leaves them: `stored` on the bots' stream,
   * `stored-unacked` on a stream that never acks, `unstored` on a subject no stream stores.
   */
  async function outboxRows(kinds: Array<'stored' | 'stored-unacked' | 'unstored'>): Promise<Array<OutboxMessage & { id: string }>> {
    const messages: Array<OutboxMessage & { id: string }> = [];
    for (const kind of kinds) {
      const { rows } = await db.query(`SELECT nextval(pg_get_serial_sequence('thread_ownership.outbox', 'id'))::text AS id`);
      const id: string = rows[0].id;
      const subject = `${SUBJECT_ROOT[kind]}.app${id}.handover`;
      const message = { id, subject, msgId: `handover:${id}`, payload: { n: id } };
      await db.query('INSERT INTO thread_ownership.outbox (id, subject, msg_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)', [id, subject, message.msgId, message.payload, NOW]);
      messages.push(message);
    }
    return messages;
  }

  /** The UPDATE statements that touched any of these rows, each as which of them it updated. */
  async function updateStatements(ids: string[]): Promise<string[][]> {
    const { rows } = await db.query(
      `SELECT ARRAY(SELECT x FROM unnest(ids) x WHERE x = ANY($1::bigint[]) ORDER BY x)::text[] AS ids
       FROM public.outbox_update_statements WHERE ids && $1::bigint[] ORDER BY n`,
      [ids],
    );
    return rows.map((r: { ids: string[] }) => r.ids);
  }

  async function publishedAt(ids: string[]): Promise<Record<string, Date | null>> {
    const { rows } = await db.query('SELECT id::text AS id, published_at FROM thread_ownership.outbox WHERE id = ANY($1::bigint[])', [ids]);
    return Object.fromEntries(rows.map((r: { id: string; published_at: Date | null }) => [r.id, r.published_at]));
  }

  /** Where JetStream stored the row's message (its stream sequence), checking it is that row's message; undefined while it is not there. */
  async function storedSeq(message: OutboxMessage, stream = bots()): Promise<number | undefined> {
    const stored = await slice.nats.jsm.streams.getMessage(stream, { last_by_subj: `${env.prefix}.${message.subject}` }).catch(() => null);
    if (!stored) return undefined;
    expect(stored.header.get('Nats-Msg-Id')).toBe(message.msgId);
    return stored.seq;
  }

  it('sends every row in order without waiting for each ack, and returns once all are stored', async () => {
    // The middle row goes to a stream that stores without acking (JetStream's no_ack): its
    // publish stays unconfirmed until the publisher's ack timeout, as a slow ack would.
    const [one, two, three] = await outboxRows(['stored', 'stored-unacked', 'stored']);
    const messages = [one!, two!, three!];
    // NATS echoes the publisher's own messages to a subscription on its connection, in the order they were sent.
    const sent: string[] = [];
    const nc = slice.nats.nc;
    const tap = nc.subscribe(`${env.prefix}.>`, { callback: (_error, msg) => void sent.push(msg.headers?.get('Nats-Msg-Id') ?? msg.subject) });
    await nc.flush();
    const started = performance.now();
    let returned = false;
    const publishing = slice.publisher.publishNow(messages).then(() => (returned = true));
    try {
      // Rows 2 and 3 reach JetStream while row 2's ack is still outstanding: nothing waited for it.
      const seqs = await waitFor(async () => {
        const stored = await Promise.all([storedSeq(one!), storedSeq(two!, noAck()), storedSeq(three!)]);
        return stored.every((seq) => seq !== undefined) ? (stored as number[]) : undefined;
      }, 'the three rows stored');
      expect(returned).toBe(false); // row 2 not confirmed yet
      expect(sent).toEqual(messages.map((m) => m.msgId));
      expect(seqs[0]).toBeLessThan(seqs[2]!); // stored in row order
      await publishing;
    } finally {
      tap.unsubscribe();
    }
    expect(returned).toBe(true);
    // It returned only once row 2's publish was answered (here: its ack timed out, 2 s).
    expect(performance.now() - started).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 10);
    // Their marks land a little later (and the next test counts statements from a quiet start).
    await waitFor(async () => ((await publishedAt([one!.id, three!.id]))[three!.id] !== null ? true : undefined), 'rows 1 and 3 marked published');
    expect(await publishedAt([one!.id, two!.id, three!.id])).toEqual({ [one!.id]: NOW, [two!.id]: null, [three!.id]: NOW });
  }, 15_000);

  it('marks the rows of many operations published in one statement, a little later, and leaves a failed row to the relay', async () => {
    const [one, two, three] = await outboxRows(['stored', 'unstored', 'stored']);
    const ids = [one!.id, two!.id, three!.id];
    const started = performance.now();
    const first = slice.publisher.publishNow([one!, two!]);
    const second = slice.publisher.publishNow([three!]);
    await expect(first).resolves.toBeUndefined(); // best effort: the relay repairs it
    await expect(second).resolves.toBeUndefined();
    await waitFor(async () => ((await updateStatements(ids)).length > 0 ? true : undefined), 'the published marks');
    // Not at once: the marks waited for the collection delay (timers may fire a few ms early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(MARK_DELAY_MS - 10);
    expect(await updateStatements(ids)).toEqual([[one!.id, three!.id]]);
    expect(await publishedAt(ids)).toEqual({ [one!.id]: NOW, [two!.id]: null, [three!.id]: NOW });
    const [seqOne, seqThree] = [await storedSeq(one!), await storedSeq(three!)];
    expect(seqOne).toBeDefined();
    expect(seqThree).toBeGreaterThan(seqOne!);
    // The refused row is what the relay's next pass picks up.
    const stale = await slice.repository.findStale(new Date(NOW.getTime() + 60_000), 500);
    expect(stale.map((row) => row.id).filter((id) => ids.includes(id))).toEqual([two!.id]);
  });

  it('writes the marks still waiting when the service shuts down, before the database closes', async () => {
    const stopping = await bootOutboxSlice();
    const [row] = await outboxRows(['stored']);
    await stopping.publisher.publishNow([row!]);
    // At once, well inside the mark delay: Nest runs beforeApplicationShutdown, then closes the
    // DataSource and the NATS connection (onApplicationShutdown).
    await stopping.close();
    expect(stopping.dataSource.isInitialized).toBe(false);
    expect(await updateStatements([row!.id])).toEqual([[row!.id]]);
    expect(await publishedAt([row!.id])).toEqual({ [row!.id]: NOW });
  });
});
