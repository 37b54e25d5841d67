import { Module } from '@nestjs/common';
import { PageSettingsController } from './page-settings.controller.js';
import { PageSettingsRepository } from './page-settings.repository.js';
import { PageSettingsService } from './page-settings.service.js';
import { Participants } from './participants.service.js';

@Module({
  controllers: [PageSettingsController],
  providers: [PageSettingsRepository, PageSettingsService, Participants],
  exports: [PageSettingsService, Participants],
})
export class PagesModule {}
