import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { CheckParticipant, ListAppPages, ListPageApps, rpcPattern, type RpcRequest } from '@app/contracts';
import { callerAppId } from '@app/messaging';
import { ZodPayloadPipe } from '@app/platform';
import { PagesService } from './pages.service.js';
import { toAppList, toAppPages } from './page-views.js';

@Controller()
export class PageAppsRpcController {
  constructor(private readonly pages: PagesService) {}

  @MessagePattern(rpcPattern(ListPageApps))
  async apps(@Payload(new ZodPayloadPipe(ListPageApps.request)) dto: RpcRequest<typeof ListPageApps>, @Ctx() ctx: NatsContext) {
    const { view } = await this.pages.participant(dto.pageId, callerAppId(ctx));
    return toAppList(view);
  }

  /**
   * The caller's own Pages. Unlike the other calls it is answered for any app, registered or not,
   * unsubscribed too: the answer is how a bot finds out it receives nothing.
   */
  @MessagePattern(rpcPattern(ListAppPages))
  async myPages(@Payload(new ZodPayloadPipe(ListAppPages.request)) _dto: RpcRequest<typeof ListAppPages>, @Ctx() ctx: NatsContext) {
    return toAppPages(await this.pages.pagesOfApp(callerAppId(ctx)));
  }

  /** Internal (notifications, before it acts for a bot): throws as `participant()` does for a bot. */
  @MessagePattern(rpcPattern(CheckParticipant))
  async participant(@Payload(new ZodPayloadPipe(CheckParticipant.request)) dto: RpcRequest<typeof CheckParticipant>) {
    await this.pages.participant(dto.pageId, dto.appId);
    return { participant: true as const };
  }
}
