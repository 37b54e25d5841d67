import { Module } from '@nestjs/common';
import { OtnModule } from '../otn/otn.module.js';
import { WindowModule } from '../window/window.module.js';
import { EventIngestService } from './event-ingest.service.js';
import { WebhookEventsConsumer } from './webhook-events.consumer.js';

@Module({
  imports: [OtnModule, WindowModule],
  providers: [EventIngestService, WebhookEventsConsumer],
})
export class EventsModule {}
