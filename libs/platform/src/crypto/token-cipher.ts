import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual, randomBytes } from 'node:crypto';

const VERSION = 'v2';
const KEY_BYTES = 32;

interface CipherKey {
  id: string;
  bytes: Buffer;
}

/**
 * Seals secrets (Page access tokens, one-time notification tokens) with AES-256-GCM so they are
 * never stored or sent over NATS in clear.
 *
 * Format: `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url). The key id names the key that sealed
 * the value, so the key can be rotated: `TOKEN_ENCRYPTION_KEY` seals, the keys in
 * `TOKEN_ENCRYPTION_PREVIOUS_KEYS` only open what was sealed before the rotation (and the
 * services re-seal what they store, see `resealAll`). Values of the first format,
 * `v1.<iv>.<tag>.<ciphertext>`, carry no key id: every known key is tried (GCM's tag tells the
 * right one).
 */
export class TokenCipher {
  private readonly current: CipherKey;
  private readonly previous: CipherKey[];
  private readonly byId: Map<string, CipherKey>;

  constructor(base64Key: string, previousBase64Keys: readonly string[] = []) {
    this.current = cipherKey(base64Key, 'TOKEN_ENCRYPTION_KEY');
    this.previous = previousBase64Keys.map((k) => cipherKey(k, 'TOKEN_ENCRYPTION_PREVIOUS_KEYS'));
    this.byId = new Map([...this.previous, this.current].map((k) => [k.id, k]));
  }

  /** The current key's id: not secret (a truncated hash), shown in logs of a rotation. */
  get keyId(): string {
    return this.current.id;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const key = this.byId.get(parts[1] as string);
      if (!key) throw new Error('sealed with a key this installation does not have');
      return decrypt(key, parts[2] as string, parts[3] as string, parts[4] as string);
    }
    if (parts[0] === 'v1' && parts.length === 4) return this.openV1(parts[1] as string, parts[2] as string, parts[3] as string);
    throw new Error('not a sealed value');
  }

  /** True while keys of an earlier rotation are configured: stored values may still need re-sealing. */
  get hasPreviousKeys(): boolean {
    return this.previous.length > 0;
  }

  /** `v2.<current key id>.`: what every value sealed with the current key starts with. */
  currentPrefix(): string {
    return `${VERSION}.${this.current.id}.`;
  }

  /** A keyed, deterministic fingerprint: lets a unique index find duplicates without the clear value. */
  fingerprint(plain: string): string {
    return hmacHex(this.current.bytes, plain);
  }

  /** The fingerprints under the previous keys: what a value stored before a rotation was indexed by. */
  previousFingerprints(plain: string): string[] {
    return this.previous.map((k) => hmacHex(k.bytes, plain));
  }

  private openV1(iv: string, tag: string, body: string): string {
    for (const key of [this.current, ...this.previous]) {
      try {
        return decrypt(key, iv, tag, body);
      } catch {
        // GCM refused this key: try the next one
      }
    }
    throw new Error('sealed with a key this installation does not have');
  }
}

function cipherKey(base64Key: string, variable: string): CipherKey {
  const bytes = Buffer.from(base64Key, 'base64');
  if (bytes.length !== KEY_BYTES) throw new Error(`${variable} must hold 32-byte keys, base64-encoded`);
  return { id: keyIdOf(bytes), bytes };
}

/** 48 bits of a domain-separated SHA-256 of the key: tells keys apart, reveals nothing usable. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('mho-token-key-id\0').update(key).digest('base64url').slice(0, 8);
}

function decrypt(key: CipherKey, iv: string, tag: string, body: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

function hmacHex(key: Buffer, plain: string): string {
  return createHmac('sha256', key).update(plain).digest('hex');
}

/** Constant-time string comparison (signatures, verify tokens). Different lengths compare false. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left); // spend comparable time regardless of where they differ
    return false;
  }
  return timingSafeEqual(left, right);
}
