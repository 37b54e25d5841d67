import { Injectable } from '@nestjs/common';
import { ResealOnBoot, TokenCipher } from '@app/platform';
import { TokensRepository } from './tokens.repository.js';

/**
 * After a rotation of TOKEN_ENCRYPTION_KEY: the stored one-time notification tokens (and their
 * fingerprints), sealed again with the current key. Small batches: a row being re-sealed is
 * locked for that statement, and a notify skips locked tokens (as when two notifies race for one).
 */
@Injectable()
export class OtnTokensReseal extends ResealOnBoot {
  constructor(cipher: TokenCipher, tokens: TokensRepository) {
    super(cipher, tokens, 'one-time notification tokens', { batchSize: 50 });
  }
}
