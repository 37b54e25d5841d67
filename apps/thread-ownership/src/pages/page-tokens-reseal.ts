import { Injectable } from '@nestjs/common';
import { ResealOnBoot, TokenCipher } from '@app/platform';
import { PagesRepository } from './pages.repository.js';

/** After a rotation of TOKEN_ENCRYPTION_KEY: the stored Page access tokens, sealed again with the current key. */
@Injectable()
export class PageTokensReseal extends ResealOnBoot {
  constructor(cipher: TokenCipher, pages: PagesRepository) {
    super(cipher, pages, 'Page access tokens');
  }
}
