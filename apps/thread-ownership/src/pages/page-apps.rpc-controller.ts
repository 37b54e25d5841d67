import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { ListPageApps, rpcPattern, type RpcRequest } from '@app/contracts';
import { callerAppId } from '@app/messaging';
import { ZodPayloadPipe } from '@app/platform';
import { PagesService } from './pages.service.js';
import { toAppList } from './page-views.js';

@Controller()
export class PageAppsRpcController {
  constructor(private readonly pages: PagesService) {}

  @MessagePattern(rpcPattern(ListPageApps))
  async apps(@Payload(new ZodPayloadPipe(ListPageApps.request)) dto: RpcRequest<typeof ListPageApps>, @Ctx() ctx: NatsContext) {
    const { view } = await this.pages.participant(dto.pageId, callerAppId(ctx));
    return toAppList(view);
  }
}
