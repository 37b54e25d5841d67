import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { appIdFromRpcSubject, RequestNotification, rpcPattern, SendNotification, type SendResult } from '@app/contracts';
import { callerTimeoutMsOf } from '@app/messaging';
import { ZodPayloadPipe } from '@app/platform';
import type { z } from 'zod';
import { NotifyService } from './notify/notify.service.js';
import { RequestService, type AskResult } from './request/request.service.js';

/** Bot-scoped RPC: the calling app is the `<appId>` token of the subject (NATS permissions guard it). */
@Controller()
export class OtnController {
  constructor(
    private readonly requests: RequestService,
    private readonly notify: NotifyService,
  ) {}

  @MessagePattern(rpcPattern(RequestNotification))
  request(
    @Payload(new ZodPayloadPipe(RequestNotification.request)) request: z.infer<typeof RequestNotification.request>,
    @Ctx() ctx: NatsContext,
  ): Promise<AskResult> {
    return this.requests.request(appIdFromRpcSubject(ctx.getSubject(), RequestNotification), request);
  }

  @MessagePattern(rpcPattern(SendNotification))
  send(
    @Payload(new ZodPayloadPipe(SendNotification.request)) request: z.infer<typeof SendNotification.request>,
    @Ctx() ctx: NatsContext,
  ): Promise<SendResult> {
    return this.notify.send(appIdFromRpcSubject(ctx.getSubject(), SendNotification), request, callerTimeoutMsOf(ctx));
  }
}
