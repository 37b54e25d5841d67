import type { OtnTokenGrant } from '../graph/otn-registry.js';

/** Where the simulator registers the OTN tokens it issues: an in-process emulator or its control API. */
export interface OtnTokenSink {
  registerOtnToken(token: string, grant: OtnTokenGrant): void | Promise<void>;
}

/** Registers through `POST <emulatorUrl>/_emulator/otn-tokens`, for an emulator in another process. */
export class HttpOtnTokenSink implements OtnTokenSink {
  constructor(
    private readonly emulatorUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async registerOtnToken(token: string, grant: OtnTokenGrant): Promise<void> {
    const response = await this.fetchImpl(new URL('/_emulator/otn-tokens', this.emulatorUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, ...grant }),
    });
    if (response.ok) return;
    const detail = `HTTP ${response.status} ${await response.text()}`;
    throw new Error(`registering OTN token with ${this.emulatorUrl} failed: ${detail}`);
  }
}

export function toOtnTokenSink(target: OtnTokenSink | string, fetchImpl?: typeof fetch): OtnTokenSink {
  return typeof target === 'string' ? new HttpOtnTokenSink(target, fetchImpl) : target;
}
