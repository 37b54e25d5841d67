import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TokenCipher } from './token-cipher.js';

/** The TokenCipher of a service whose config has `encryptionEnvShape` (the current key and the previous ones). */
export const tokenCipherProvider: Provider = {
  provide: TokenCipher,
  useFactory: (config: ConfigService) => new TokenCipher(config.getOrThrow<string>('TOKEN_ENCRYPTION_KEY'), config.get<string[]>('TOKEN_ENCRYPTION_PREVIOUS_KEYS') ?? []),
  inject: [ConfigService],
};
