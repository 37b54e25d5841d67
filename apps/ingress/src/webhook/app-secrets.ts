import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IngressEnv } from '../config/ingress-env.js';
import { unknownApp } from './webhook.errors.js';

/** Which app secret signs which webhook path: `/webhook` → META_APP_SECRET, `/webhook/:appId` → META_APP_SECRETS. */
@Injectable()
export class AppSecrets {
  private readonly defaultSecret: string;
  private readonly perApp: ReadonlyMap<string, string>;

  constructor(config: ConfigService<IngressEnv, true>) {
    this.defaultSecret = config.get('META_APP_SECRET', { infer: true });
    this.perApp = config.get('META_APP_SECRETS', { infer: true });
  }

  knows(appId: string | undefined): boolean {
    return appId === undefined || this.perApp.has(appId);
  }

  /** The secret for a path; an app id we have no secret for is a 404 (there is no such webhook). */
  secretFor(appId: string | undefined): string {
    if (appId === undefined) return this.defaultSecret;
    const secret = this.perApp.get(appId);
    if (secret === undefined) throw unknownApp();
    return secret;
  }
}
