import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { messagingOptionsFromEnv, NatsConnectionService, RpcClient } from '@app/messaging';
import { runMigrationsWithLock, TokenCipher } from '@app/platform';
import { createTestEnvironment, type TestEnvironment } from '../../../../test/support/test-environment.js';
import { NOTIFICATIONS_SCHEMA } from '../../src/database/schema.js';
import { notificationsDataSourceOptions } from '../../src/data-source.js';
import { SendLedgerRepository } from '../../src/otn/notify/send-ledger.repository.js';
import { TokensRepository } from '../../src/otn/tokens.repository.js';
import { DeliverStandIn } from './deliver-stand-in.js';

/**
 * The notifications service's storage for a spec of its own: a private database with the
 * service's migrations, the real repositories, an RPC client on the service's NATS connection, and
 * the DeliverMessage stand-in answering for thread-ownership on a connection of its own.
 */
export interface OtnStorage {
  env: TestEnvironment;
  dataSource: DataSource;
  nats: NatsConnectionService;
  rpc: RpcClient;
  deliver: DeliverStandIn;
  cipher: TokenCipher;
  tokens: TokensRepository;
  ledger: SendLedgerRepository;
  stop(): Promise<void>;
}

export async function startOtnStorage(): Promise<OtnStorage> {
  const env = await createTestEnvironment();
  const dataSource = new DataSource(notificationsDataSourceOptions(env.databaseUrl));
  await dataSource.initialize();
  await runMigrationsWithLock(dataSource, NOTIFICATIONS_SCHEMA);
  const standInConnection: NatsConnection = await connect({ servers: env.natsUrl });
  const deliver = new DeliverStandIn(standInConnection, env.prefix).start();
  await standInConnection.flush();
  const nats = await NatsConnectionService.connect(messagingOptionsFromEnv('notifications', process.env));
  return {
    env,
    dataSource,
    nats,
    rpc: new RpcClient(nats),
    deliver,
    cipher: new TokenCipher(process.env.TOKEN_ENCRYPTION_KEY!),
    tokens: new TokensRepository(dataSource),
    ledger: new SendLedgerRepository(dataSource),
    async stop() {
      await nats.onApplicationShutdown();
      await deliver.stop();
      await standInConnection.close();
      if (dataSource.isInitialized) await dataSource.destroy();
      await env.cleanup();
    },
  };
}
