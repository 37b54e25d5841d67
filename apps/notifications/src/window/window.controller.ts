import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetMessagingWindow, rpcPattern, type MessagingWindow } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import type { z } from 'zod';
import { WindowService } from './window.service.js';

type WindowRequest = z.infer<typeof GetMessagingWindow.request>;

/** Internal RPC: "may a standard message go to this thread now?" */
@Controller()
export class WindowController {
  constructor(private readonly window: WindowService) {}

  @MessagePattern(rpcPattern(GetMessagingWindow))
  status(@Payload(new ZodPayloadPipe(GetMessagingWindow.request)) request: WindowRequest): Promise<MessagingWindow> {
    return this.window.status(request.pageId, request.psid, request.minEventSeq);
  }
}
