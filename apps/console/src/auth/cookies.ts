/** The value of one cookie from a `Cookie` header (no dependency needed for one cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Whether a cookie set in answer to this request gets `Secure`: the setting, or for `auto` the
 * request's own protocol (Fastify reads X-Forwarded-Proto only from a trusted proxy).
 */
export function secureFor(setting: boolean | 'auto', requestProtocol: string): boolean {
  return setting === 'auto' ? requestProtocol === 'https' : setting;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
}

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), whole site. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
