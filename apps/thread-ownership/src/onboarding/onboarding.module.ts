import { Module } from '@nestjs/common';
import { LoginStateStore } from './login-state.store.js';
import { OnboardingConfig } from './onboarding-config.js';
import { OnboardingStateRepository } from './onboarding-state.repository.js';
import { OnboardingController } from './onboarding.controller.js';
import { PageInstaller } from './page-installer.service.js';
import { PageTokenRecheck } from './page-token-recheck.service.js';
import { SharedServices } from './shared-services.js';

/**
 * Facebook Login install flow (`/onboarding/start`, `/onboarding/callback`) and the periodic
 * debug_token re-check of stored Page tokens. Import it into the thread-ownership AppModule:
 * it uses that module's PagesService, GraphClient and Clock (see SharedServices).
 */
@Module({
  controllers: [OnboardingController],
  providers: [OnboardingConfig, OnboardingStateRepository, LoginStateStore, SharedServices, PageInstaller, PageTokenRecheck],
  exports: [PageTokenRecheck],
})
export class OnboardingModule {}
