import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { loginDialogUrl, PAGE_INSTALL_SCOPES } from '@app/graph-api';
import { DomainError, invalidPayload, ZodPayloadPipe } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidState, LoginStateStore } from './login-state.store.js';
import { OnboardingConfig } from './onboarding-config.js';
import { callbackQuerySchema, startQuerySchema, type CallbackQuery } from './onboarding.dto.js';
import { PageInstaller } from './page-installer.service.js';
import { SharedServices } from './shared-services.js';
import { clearedStateCookie, readStateCookie, stateCookie } from './state-cookie.js';

/**
 * Installing the app on Pages with Facebook Login (§6.1): `start` sends the browser to the Login
 * dialog, Facebook sends it back to `callback`. Browser-facing, so not behind the admin token;
 * the single-use `state`, bound to the browser by a cookie, is what protects the callback.
 */
@Controller('onboarding')
export class OnboardingController {
  constructor(
    private readonly config: OnboardingConfig,
    private readonly states: LoginStateStore,
    private readonly installer: PageInstaller,
    private readonly shared: SharedServices,
  ) {}

  @Get('start')
  async start(@Query(new ZodPayloadPipe(startQuerySchema)) requestedPages: string[], @Res() reply: FastifyReply) {
    const settings = this.config.require();
    const state = await this.states.issue(requestedPages, this.shared.clock.now(), settings.stateTtlMs);
    const { dialogUrl: dialogBaseUrl, version, appId, redirectUri } = settings;
    const location = loginDialogUrl({ dialogBaseUrl, version, appId, redirectUri, state, scopes: PAGE_INSTALL_SCOPES });
    const cookie = stateCookie(state, settings.stateTtlMs, isHttps(redirectUri));
    return reply.code(302).header('set-cookie', cookie).header('location', location).send();
  }

  @Get('callback')
  async callback(
    @Query(new ZodPayloadPipe(callbackQuerySchema)) query: CallbackQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const settings = this.config.require();
    if (readStateCookie(request.headers.cookie) !== query.state) throw invalidState(query.state ? 'browser' : 'malformed');
    const { requestedPages } = await this.states.consume(query.state, this.shared.clock.now());
    void reply.header('set-cookie', clearedStateCookie(isHttps(settings.redirectUri)));
    if (query.error) throw loginRefused(query);
    if (!query.code) throw invalidPayload('code: Facebook sent neither a code nor an error');
    return { installed: await this.installer.install(query.code, query.pages ?? requestedPages) };
  }
}

const isHttps = (url: string): boolean => url.startsWith('https:');

/** The user pressed Cancel (or Facebook refused): say so plainly, with Meta's own reason. */
function loginRefused(query: CallbackQuery): DomainError {
  const reason = { error: query.error, error_reason: query.error_reason, error_description: query.error_description };
  if (query.error === 'access_denied') {
    return new DomainError(ErrorCode.PermissionDenied, 'the permissions were not granted in the Facebook Login dialog; nothing was installed', reason);
  }
  return new DomainError(ErrorCode.InvalidPayload, `Facebook Login failed: ${query.error_description ?? query.error}`, reason);
}
