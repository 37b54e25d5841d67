import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsoleSettings } from '../config/console-settings.js';
import { readCookie, secureFor, serializeCookie } from './cookies.js';
import { RevokedSessionsRepository } from './revoked-sessions.repository.js';
import { passwordMatches, SessionSigner, type Session } from './session-signer.js';

export const SESSION_COOKIE = 'mho_console_session';

/** Operator login: the password check, the signed session cookie, and logging out for good. */
@Injectable()
export class SessionsService {
  private readonly signer: SessionSigner;

  constructor(
    private readonly settings: ConsoleSettings,
    private readonly revoked: RevokedSessionsRepository,
  ) {
    this.signer = new SessionSigner(settings.sessionSecret, settings.sessionTtlMs);
  }

  checkPassword(presented: string): boolean {
    return passwordMatches(presented, this.settings.password);
  }

  /** The session of a valid, unexpired and not logged-out cookie, or null. */
  async fromRequest(request: FastifyRequest): Promise<Session | null> {
    const session = this.signer.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
    return session && !(await this.revoked.isRevoked(session.id)) ? session : null;
  }

  /** Logging out ends the session itself, not only this browser's cookie: a copy stops working too. */
  async revoke(request: FastifyRequest): Promise<void> {
    const session = this.signer.verify(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session) await this.revoked.revoke(session.id, new Date(session.expiresAt), new Date());
  }

  /** A `Set-Cookie` value that logs the browser in. */
  loginCookie(request: FastifyRequest): string {
    return serializeCookie(SESSION_COOKIE, this.signer.issue(), { maxAgeSeconds: this.settings.sessionTtlMs / 1000, secure: this.secure(request) });
  }

  logoutCookie(request: FastifyRequest): string {
    return serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: this.secure(request) });
  }

  private secure(request: FastifyRequest): boolean {
    return secureFor(this.settings.cookieSecure, request.protocol);
  }
}
