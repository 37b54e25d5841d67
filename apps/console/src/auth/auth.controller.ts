import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottle } from './login-throttle.js';
import { loginPage } from './login-view.js';
import { safeNextPath } from './session.guard.js';
import { SessionsService } from './sessions.service.js';

/** The login form (public) and logout. Everything else needs the session this sets. */
@Controller()
export class AuthController {
  private readonly throttle = new LoginThrottle();

  constructor(private readonly sessions: SessionsService) {}

  @Get('login')
  @Header('content-type', 'text/html; charset=utf-8')
  form(@Query('next') next?: string): string {
    return loginPage(undefined, safeNextPath(next));
  }

  @Post('login')
  @HttpCode(200)
  login(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown> | undefined, @Query('next') nextParam?: string): void {
    const address = request.ip;
    const next = safeNextPath(nextParam);
    const password = typeof body?.password === 'string' ? body.password : '';
    if (this.throttle.isBlocked(address)) {
      void reply.status(429).type('text/html; charset=utf-8').send(loginPage('Too many wrong passwords. Wait a few minutes and try again.', next));
      return;
    }
    if (!this.sessions.checkPassword(password)) {
      this.throttle.recordFailure(address);
      void reply.status(401).type('text/html; charset=utf-8').send(loginPage('Wrong password.', next));
      return;
    }
    this.throttle.recordSuccess(address);
    void reply.header('set-cookie', this.sessions.loginCookie(request)).redirect(next, 303);
  }

  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.sessions.revoke(request);
    void reply.header('set-cookie', this.sessions.logoutCookie(request)).redirect('/login', 303);
  }
}
