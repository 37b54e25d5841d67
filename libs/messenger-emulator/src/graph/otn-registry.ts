/** Who a one-time-notification token was issued to. */
export interface OtnTokenGrant {
  pageId: string;
  /** The user who opted in; known when the simulator issued the token. */
  psid?: string;
  payload?: string;
}

export type OtnTokenCheck =
  | { valid: true; grant: OtnTokenGrant }
  | { valid: false; reason: 'unknown token' | 'token already used' | 'token issued for another Page' };

interface TokenRecord {
  grant: OtnTokenGrant;
  used: boolean;
}

/**
 * The OTN tokens the emulator has "issued" (registered by the user simulator). Meta makes each
 * token single use (messenger-platform.md §3), so a spent token stays known but refuses a second send.
 */
export class OtnRegistry {
  private readonly tokens = new Map<string, TokenRecord>();

  register(token: string, grant: OtnTokenGrant): void {
    if (token.length === 0) throw new RangeError('OTN token must not be empty');
    this.tokens.set(token, { grant: { ...grant }, used: false });
  }

  /** Checks without spending, so a send that fails a later check keeps its token. */
  check(token: string, pageId: string): OtnTokenCheck {
    const record = this.tokens.get(token);
    if (!record) return { valid: false, reason: 'unknown token' };
    if (record.used) return { valid: false, reason: 'token already used' };
    if (record.grant.pageId !== pageId) return { valid: false, reason: 'token issued for another Page' };
    return { valid: true, grant: { ...record.grant } };
  }

  markUsed(token: string): void {
    const record = this.tokens.get(token);
    if (record) record.used = true;
  }

  isUsed(token: string): boolean {
    return this.tokens.get(token)?.used ?? false;
  }

  clear(): void {
    this.tokens.clear();
  }
}
