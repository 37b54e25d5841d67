import { Injectable } from '@nestjs/common';
import { ResealOnBoot, TokenCipher, type ResealedRow } from '@app/platform';
import { PagesRepository } from './pages.repository.js';
import { PagesService } from './pages.service.js';

/**
 * After a rotation of TOKEN_ENCRYPTION_KEY: the stored Page access tokens, sealed again with the
 * current key. Every replica then forgets its cached copy of those Pages: a token check (a 190,
 * a recheck) writes only while the stored ciphertext is the one it read, so a stale copy would
 * make its result silently go nowhere.
 */
@Injectable()
export class PageTokensReseal extends ResealOnBoot {
  constructor(cipher: TokenCipher, pages: PagesRepository, registry: PagesService) {
    super(
      cipher,
      {
        notSealedWith: (prefix, after, limit) => pages.notSealedWith(prefix, after, limit),
        replaceSealed: async (rows: ResealedRow[]) => {
          const replaced = await pages.replaceSealed(rows);
          for (const row of rows) await registry.invalidate(row.id);
          return replaced;
        },
      },
      'Page access tokens',
    );
  }
}
