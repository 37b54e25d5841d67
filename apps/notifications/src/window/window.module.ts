import { Module } from '@nestjs/common';
import { ThreadWindowRepository } from './thread-window.repository.js';
import { WindowController } from './window.controller.js';
import { WindowService } from './window.service.js';

@Module({
  controllers: [WindowController],
  providers: [ThreadWindowRepository, WindowService],
  exports: [WindowService],
})
export class WindowModule {}
