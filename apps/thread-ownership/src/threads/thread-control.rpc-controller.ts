import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  GetThreadOwner,
  PassThreadControl,
  ReleaseThreadControl,
  RequestThreadControl,
  rpcPattern,
  TakeThreadControl,
  type RpcRequest,
} from '@app/contracts';
import { callerAppId, correlationIdOf } from '@app/messaging';
import { ZodPayloadPipe } from '@app/platform';
import { OwnershipService } from './ownership.service.js';

/** Bot-facing thread control over NATS: `<prefix>.rpc.<appId>.thread.<op>`. */
@Controller()
export class ThreadControlRpcController {
  constructor(private readonly ownership: OwnershipService) {}

  @MessagePattern(rpcPattern(PassThreadControl))
  pass(@Payload(new ZodPayloadPipe(PassThreadControl.request)) dto: RpcRequest<typeof PassThreadControl>, @Ctx() ctx: NatsContext) {
    return this.ownership.pass({ ...dto, actorAppId: callerAppId(ctx), correlationId: correlationIdOf(ctx) });
  }

  @MessagePattern(rpcPattern(TakeThreadControl))
  take(@Payload(new ZodPayloadPipe(TakeThreadControl.request)) dto: RpcRequest<typeof TakeThreadControl>, @Ctx() ctx: NatsContext) {
    return this.ownership.take({ ...dto, actorAppId: callerAppId(ctx), correlationId: correlationIdOf(ctx) });
  }

  @MessagePattern(rpcPattern(RequestThreadControl))
  request(@Payload(new ZodPayloadPipe(RequestThreadControl.request)) dto: RpcRequest<typeof RequestThreadControl>, @Ctx() ctx: NatsContext) {
    return this.ownership.request({ ...dto, actorAppId: callerAppId(ctx), correlationId: correlationIdOf(ctx) });
  }

  @MessagePattern(rpcPattern(ReleaseThreadControl))
  release(@Payload(new ZodPayloadPipe(ReleaseThreadControl.request)) dto: RpcRequest<typeof ReleaseThreadControl>, @Ctx() ctx: NatsContext) {
    return this.ownership.release({ ...dto, actorAppId: callerAppId(ctx), correlationId: correlationIdOf(ctx) });
  }

  @MessagePattern(rpcPattern(GetThreadOwner))
  owner(@Payload(new ZodPayloadPipe(GetThreadOwner.request)) dto: RpcRequest<typeof GetThreadOwner>, @Ctx() ctx: NatsContext) {
    return this.ownership.owner(dto.pageId, dto.psid, callerAppId(ctx));
  }
}
