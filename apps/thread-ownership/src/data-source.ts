import { appDataSourceOptions } from '@app/platform';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { BotHealthEntity } from './delivery-health/bot-health.entity.js';
import { DeliveryErrorEntity } from './delivery-health/delivery-error.entity.js';
import { OutboxEntity } from './delivery/outbox.entity.js';
import { InitThreadOwnership1764072000000 } from './migrations/1764072000000-InitThreadOwnership.js';
import { OwnershipPositionsAndRules1764075600000 } from './migrations/1764075600000-OwnershipPositionsAndRules.js';
import { PageTokenStatusAndOnboarding1764079200000 } from './migrations/1764079200000-PageTokenStatusAndOnboarding.js';
import { DeliveryHealth1764090000000 } from './migrations/1764090000000-DeliveryHealth.js';
import { DropRoutedEvent1764100000000 } from './migrations/1764100000000-DropRoutedEvent.js';
import { ThreadFillFactor1764120000000 } from './migrations/1764120000000-ThreadFillFactor.js';
import { SentMessageSentAtIndex1764130000000 } from './migrations/1764130000000-SentMessageSentAtIndex.js';
import { SentMessageIdempotencyKey1764140000000 } from './migrations/1764140000000-SentMessageIdempotencyKey.js';
import { OnboardingStateEntity } from './onboarding/onboarding-state.entity.js';
import { PageAppEntity } from './pages/page-app.entity.js';
import { PageEntity } from './pages/page.entity.js';
import { SentMessageEntity } from './outbound/sent-message.entity.js';
import { OwnershipChangeEntity } from './threads/ownership-change.entity.js';
import { ThreadEntity } from './threads/thread.entity.js';

export const THREAD_OWNERSHIP_SCHEMA = 'thread_ownership';

/** One definition for the app and the TypeORM CLI. */
export function threadOwnershipDataSourceOptions(url: string): DataSourceOptions {
  return appDataSourceOptions({
    url,
    schema: THREAD_OWNERSHIP_SCHEMA,
    entities: [PageEntity, PageAppEntity, ThreadEntity, OwnershipChangeEntity, OutboxEntity, SentMessageEntity, OnboardingStateEntity, BotHealthEntity, DeliveryErrorEntity],
    migrations: [InitThreadOwnership1764072000000, OwnershipPositionsAndRules1764075600000, PageTokenStatusAndOnboarding1764079200000, DeliveryHealth1764090000000, DropRoutedEvent1764100000000, ThreadFillFactor1764120000000, SentMessageSentAtIndex1764130000000, SentMessageIdempotencyKey1764140000000],
  });
}

export default new DataSource(threadOwnershipDataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho'));
