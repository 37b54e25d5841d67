import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { ErrorCode, pageIdSchema, psidSchema } from '@app/contracts';
import { AdminApi, ApiZodBody, DomainError, ZodPayloadPipe } from '@app/platform';
import { OwnershipService } from '../threads/ownership.service.js';
import { ThreadsRepository } from '../threads/threads.repository.js';
import { threadActionSchema, type ThreadActionDto } from './admin.dto.js';

/**
 * Operator view and actions on one thread. Actions go through the same OwnershipService the bots
 * use, so they obey the same rules and land in the same audit log.
 */
@Controller('pages/:pageId/threads/:psid')
@AdminApi('threads')
export class ThreadsAdminController {
  constructor(
    private readonly ownership: OwnershipService,
    private readonly threads: ThreadsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The thread: owner, since when, when control lapses, and its ownership history' })
  async get(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Param('psid', new ZodPayloadPipe(psidSchema)) psid: string) {
    const thread = await this.threads.findThread(pageId, psid);
    if (!thread) throw new DomainError(ErrorCode.UnknownThread, `no conversation with user ${psid} on page ${pageId}`);
    const history = await this.threads.history(pageId, psid);
    return { pageId, psid, ownerAppId: thread.ownerAppId, ownerSince: thread.ownerSince, expiresAt: this.ownership.lapsesAt(thread), lastActivityAt: thread.lastActivityAt, history };
  }

  @Post(':action')
  @HttpCode(200)
  @ApiOperation({ summary: 'Act on the thread as `appId` (e.g. the Page Inbox, 263902037430900, for a human agent): pass (to targetAppId), take, request or release' })
  @ApiParam({ name: 'action', enum: ['pass', 'take', 'request', 'release'] })
  @ApiZodBody(threadActionSchema)
  act(
    @Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string,
    @Param('psid', new ZodPayloadPipe(psidSchema)) psid: string,
    @Param('action') action: string,
    @Body(new ZodPayloadPipe(threadActionSchema)) dto: ThreadActionDto,
  ) {
    const cmd = { pageId, psid, actorAppId: dto.appId, metadata: dto.metadata };
    switch (action) {
      case 'pass':
        if (!dto.targetAppId) throw new DomainError(ErrorCode.InvalidPayload, 'targetAppId is required to pass');
        return this.ownership.pass({ ...cmd, targetAppId: dto.targetAppId });
      case 'take':
        return this.ownership.take(cmd);
      case 'request':
        return this.ownership.request(cmd);
      case 'release':
        return this.ownership.release(cmd);
      default:
        throw new DomainError(ErrorCode.InvalidPayload, `unknown action ${action}: pass, take, request or release`);
    }
  }
}
