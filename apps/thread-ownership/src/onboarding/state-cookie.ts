/** The browser's copy of the login state: ties the callback to the browser that started the install. */
export const STATE_COOKIE = 'mho_onboarding_state';

export function stateCookie(state: string, maxAgeMs: number, secure: boolean): string {
  const attributes = [`${STATE_COOKIE}=${state}`, 'Path=/onboarding', `Max-Age=${Math.floor(maxAgeMs / 1000)}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Clears the cookie once the callback has used the state. */
export function clearedStateCookie(secure: boolean): string {
  return stateCookie('', 0, secure);
}

export function readStateCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === STATE_COOKIE) return value.join('=');
  }
  return undefined;
}
