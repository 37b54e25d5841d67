import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import { ErrorCode } from '@app/contracts';
import { loginDialogUrl, PAGE_INSTALL_SCOPES } from '@app/graph-api';
import { AdminApi, ApiZodBody, ApiZodQuery, DomainError, invalidPayload, ZodPayloadPipe } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidState, LoginStateStore } from './login-state.store.js';
import { OnboardingConfig } from './onboarding-config.js';
import { checkInvite, DEFAULT_INVITE_TTL_MS, pagesWithinInvite, signInvite } from './onboarding-invite.js';
import { callbackQuerySchema, inviteRequestSchema, startQuerySchema, type CallbackQuery, type InviteRequest, type StartQuery } from './onboarding.dto.js';
import { PageInstaller } from './page-installer.service.js';
import { SharedServices } from './shared-services.js';
import { clearedStateCookie, readStateCookie, stateCookie } from './state-cookie.js';

/**
 * Installing the app on Pages with Facebook Login (§6.1): an admin makes an invite link
 * (`POST /onboarding/invites`, admin token); `start` (the link) sends the browser to the Login
 * dialog, Facebook sends it back to `callback`. The browser-facing routes cannot carry the admin
 * token: the invite's signature protects `start`, and the single-use `state`, bound to the
 * browser by a cookie, protects the callback.
 */
@Controller('onboarding')
@ApiTags('onboarding')
export class OnboardingController {
  constructor(
    private readonly config: OnboardingConfig,
    private readonly states: LoginStateStore,
    private readonly installer: PageInstaller,
    private readonly shared: SharedServices,
    private readonly env: ConfigService,
  ) {}

  /** An invite link for a Page admin: `path` on this service (`url` at ONBOARDING_REDIRECT_URI's origin). */
  @Post('invites')
  @AdminApi('onboarding')
  @ApiOperation({ summary: 'An invite link for a Page admin to install the app on Pages with Facebook Login' })
  @ApiZodBody(inviteRequestSchema)
  invite(@Body(new ZodPayloadPipe(inviteRequestSchema)) body: InviteRequest) {
    const settings = this.config.require();
    const expiresAt = this.shared.clock.now().getTime() + (body.ttlMs ?? DEFAULT_INVITE_TTL_MS);
    const query = new URLSearchParams({ invite: signInvite(this.adminToken(), expiresAt, body.pages ?? []) });
    const path = `/onboarding/start?${query}`;
    return { path, url: `${new URL(settings.redirectUri).origin}${path}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  @Get('start')
  @ApiOperation({ summary: "The invite link (a browser route): sends the browser to Facebook's Login dialog" })
  @ApiZodQuery(startQuerySchema)
  async start(@Query(new ZodPayloadPipe(startQuerySchema)) query: StartQuery, @Res() reply: FastifyReply) {
    const settings = this.config.require();
    const invited = checkInvite(this.adminToken(), query.invite, this.shared.clock.now().getTime());
    const requestedPages = pagesWithinInvite(query.pages, invited);
    const state = await this.states.issue(requestedPages, this.shared.clock.now(), settings.stateTtlMs);
    const { dialogUrl: dialogBaseUrl, version, appId, redirectUri } = settings;
    const location = loginDialogUrl({ dialogBaseUrl, version, appId, redirectUri, state, scopes: PAGE_INSTALL_SCOPES });
    const cookie = stateCookie(state, settings.stateTtlMs, isHttps(redirectUri));
    return reply.code(302).header('set-cookie', cookie).header('location', location).send();
  }

  @Get('callback')
  @ApiOperation({ summary: 'Where Facebook sends the browser back (a browser route): installs the app on the Pages granted' })
  @ApiZodQuery(callbackQuerySchema)
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
    return { installed: await this.installer.install(query.code, requestedPages) };
  }

  private adminToken(): string {
    return this.env.getOrThrow<string>('ADMIN_API_TOKEN');
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
