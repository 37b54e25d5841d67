import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock, SystemClock, TokenCipher, tokenCipherProvider } from '@app/platform';
import { NotificationsSettings } from '../config/settings.js';

export interface CoreOptions {
  /** Tests pass a ManualClock to cross token expiries and window ends without waiting. */
  clock?: Clock;
}

/** What every feature needs: the clock, the token cipher and the typed settings. */
@Global()
@Module({})
export class CoreModule {
  static register(options: CoreOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        tokenCipherProvider,
        { provide: NotificationsSettings, useFactory: NotificationsSettings.fromConfig, inject: [ConfigService] },
      ],
      exports: [Clock, TokenCipher, NotificationsSettings],
    };
  }
}
