import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { safeEqual } from '../crypto/token-cipher.js';
import type { FastifyRequest } from 'fastify';

/** Admin HTTP APIs are for operators (and the console): `Authorization: Bearer <ADMIN_API_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: ConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!safeEqual(presented, this.config.getOrThrow<string>('ADMIN_API_TOKEN'))) throw new UnauthorizedException('missing or wrong admin token');
    return true;
  }
}
