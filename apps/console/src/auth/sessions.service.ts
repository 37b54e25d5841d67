import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsoleSettings } from '../config/console-settings.js';
import { readCookie, serializeCookie } from './cookies.js';
import { passwordMatches, SessionSigner, type Session } from './session-signer.js';

export const SESSION_COOKIE = 'mho_console_session';

/** Operator login: the password check and the signed session cookie. */
@Injectable()
export class SessionsService {
  private readonly signer: SessionSigner;

  constructor(private readonly settings: ConsoleSettings) {
    this.signer = new SessionSigner(settings.sessionSecret, settings.sessionTtlMs);
  }

  checkPassword(presented: string): boolean {
    return passwordMatches(presented, this.settings.password);
  }

  fromRequest(request: FastifyRequest): Session | null {
    return this.signer.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
  }

  /** A `Set-Cookie` value that logs the browser in. */
  loginCookie(): string {
    return serializeCookie(SESSION_COOKIE, this.signer.issue(), { maxAgeSeconds: this.settings.sessionTtlMs / 1000, secure: this.settings.cookieSecure });
  }

  logoutCookie(): string {
    return serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: this.settings.cookieSecure });
  }
}
