import { Body, Controller, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { appIdSchema, METADATA_MAX_LENGTH, pageIdSchema, psidSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import { z } from 'zod';
import { LoginRequiredFilter, SessionGuard } from '../auth/session.guard.js';
import { UpstreamErrorFilter } from '../upstream/upstream-error.filter.js';
import { ThreadActionsService } from './thread-actions.service.js';

const actionBodySchema = z.object({ targetAppId: appIdSchema.optional(), note: z.string().max(METADATA_MAX_LENGTH).optional() });
type ActionBody = z.infer<typeof actionBodySchema>;

/**
 * `POST /actions/threads/:pageId/:psid/{take,pass,release}` (JSON, from the console's script).
 * JSON only: a cross-site form cannot send it, and the session cookie is SameSite=Strict.
 */
@Controller('actions/threads/:pageId/:psid')
@UseGuards(SessionGuard)
@UseFilters(LoginRequiredFilter, UpstreamErrorFilter)
export class ThreadActionsController {
  constructor(private readonly actions: ThreadActionsService) {}

  @Post(':action')
  @HttpCode(200)
  async act(
    @Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string,
    @Param('psid', new ZodPayloadPipe(psidSchema)) psid: string,
    @Param('action', new ZodPayloadPipe(z.enum(['take', 'pass', 'release']))) action: 'take' | 'pass' | 'release',
    @Body(new ZodPayloadPipe(actionBodySchema)) body: ActionBody,
  ): Promise<{ ok: true }> {
    await this.actions.act({ pageId, psid, action, targetAppId: body.targetAppId, note: body.note });
    return { ok: true };
  }
}
