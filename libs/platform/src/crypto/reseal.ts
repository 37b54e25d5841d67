import type { TokenCipher } from './token-cipher.js';

/** One stored sealed value, by the row's key. */
export interface SealedRow {
  id: string;
  sealed: string;
}

/** A sealed value to replace: written only where the row still holds `from`. */
export interface ResealedRow {
  id: string;
  from: string;
  sealed: string;
  /** The clear value's fingerprint under the current key, for stores that index by it. */
  fingerprint: string;
}

/** What a table with sealed values offers a re-seal (its repository implements it). */
export interface SealedStore {
  /** Up to `limit` rows after `after` (by key; null: from the start) whose value does not start with `prefix`. */
  notSealedWith(prefix: string, after: string | null, limit: number): Promise<SealedRow[]>;
  /** Replaces the values whose rows still hold `from`; returns how many were replaced. */
  replaceSealed(rows: ResealedRow[]): Promise<number>;
}

export interface ResealOutcome {
  /** Replaced with a value sealed by the current key. */
  resealed: number;
  /** Sealed with a key this installation does not have (or damaged): left as they are. */
  unreadable: number;
}

/**
 * Re-seals, with the current key, every stored value sealed with an earlier key (or in the first
 * format, which names no key), in batches by key. A write is conditional on the value read, so a
 * value changed meanwhile (a new Page token) is left to its writer, and replicas doing this at the
 * same time do not undo each other. A value no key opens is counted and skipped: it may belong to
 * a key that was dropped too early, and deleting it would hide that.
 */
export async function resealAll(cipher: TokenCipher, store: SealedStore, options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<ResealOutcome> {
  const batchSize = options.batchSize ?? 200;
  const outcome: ResealOutcome = { resealed: 0, unreadable: 0 };
  let after: string | null = null;
  while (!options.signal?.aborted) {
    const rows = await store.notSealedWith(cipher.currentPrefix(), after, batchSize);
    if (rows.length === 0) break;
    after = (rows[rows.length - 1] as SealedRow).id;
    const replacements: ResealedRow[] = [];
    for (const row of rows) {
      const plain = openOrUndefined(cipher, row.sealed);
      if (plain === undefined) outcome.unreadable++;
      else replacements.push({ id: row.id, from: row.sealed, sealed: cipher.seal(plain), fingerprint: cipher.fingerprint(plain) });
    }
    if (replacements.length > 0) outcome.resealed += await store.replaceSealed(replacements);
  }
  return outcome;
}

function openOrUndefined(cipher: TokenCipher, sealed: string): string | undefined {
  try {
    return cipher.open(sealed);
  } catch {
    return undefined;
  }
}
