import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { DeliverMessage, rpcPattern, SendMessage, type RpcRequest } from '@app/contracts';
import { callerAppId, correlationIdOf } from '@app/messaging';
import { ZodPayloadPipe } from '@app/platform';
import { OutboundService } from './outbound.service.js';

@Controller()
export class SendRpcController {
  constructor(private readonly outbound: OutboundService) {}

  /** A bot replies: `<prefix>.rpc.<appId>.message.send`. */
  @MessagePattern(rpcPattern(SendMessage))
  send(@Payload(new ZodPayloadPipe(SendMessage.request)) dto: RpcRequest<typeof SendMessage>, @Ctx() ctx: NatsContext) {
    return this.outbound.send({ ...dto, appId: callerAppId(ctx), correlationId: correlationIdOf(ctx) });
  }

  /** Another service sends on a bot's behalf (e.g. notifications): `<prefix>.internal.message.deliver`. */
  @MessagePattern(rpcPattern(DeliverMessage))
  deliver(@Payload(new ZodPayloadPipe(DeliverMessage.request)) dto: RpcRequest<typeof DeliverMessage>, @Ctx() ctx: NatsContext) {
    return this.outbound.send({ ...dto, messagingType: 'RESPONSE', correlationId: correlationIdOf(ctx) });
  }
}
