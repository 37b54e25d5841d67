import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';

export interface OnboardingSettings {
  appId: string;
  appSecret: string;
  version: string;
  dialogUrl: string;
  redirectUri: string;
  stateTtlMs: number;
}

/** The install flow's settings; the flow is off (503) until META_APP_ID is set. */
@Injectable()
export class OnboardingConfig {
  constructor(private readonly config: ConfigService) {}

  get configured(): boolean {
    return Boolean(this.config.get<string>('META_APP_ID'));
  }

  require(): OnboardingSettings {
    const appId = this.config.get<string>('META_APP_ID');
    const redirectUri = this.config.get<string>('ONBOARDING_REDIRECT_URI');
    if (!appId || !redirectUri) {
      throw new DomainError(ErrorCode.OnboardingNotConfigured, 'Facebook Login onboarding is not configured (META_APP_ID, ONBOARDING_REDIRECT_URI)');
    }
    return {
      appId,
      appSecret: this.config.getOrThrow<string>('META_APP_SECRET'),
      version: this.config.getOrThrow<string>('GRAPH_API_VERSION'),
      dialogUrl: this.config.getOrThrow<string>('FACEBOOK_DIALOG_URL'),
      redirectUri,
      stateTtlMs: this.config.getOrThrow<number>('ONBOARDING_STATE_TTL_MS'),
    };
  }

  get recheckIntervalMs(): number {
    return this.config.getOrThrow<number>('PAGE_TOKEN_RECHECK_INTERVAL_MS');
  }
}
