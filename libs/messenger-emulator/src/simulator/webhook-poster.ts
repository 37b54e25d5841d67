import { signBody } from '../crypto/hmac.js';
import { metaJsonStringify } from './meta-json.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** The ingress's answer to one webhook POST, plus the exact bytes that were sent. */
export interface WebhookPostResult {
  status: number;
  /** Response body as text (ingresses answer `EVENT_RECEIVED`, JSON or nothing). */
  body: string;
  /** The request body exactly as posted (and signed). */
  sentBody: string;
}

/** Posts webhook bodies to the ingress the way Meta does: Meta-style JSON, signed with the app secret. */
export class WebhookPoster {
  constructor(
    private readonly webhookUrl: string,
    private readonly appSecret: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  /** Serialises like Meta, signs those exact bytes and posts them. */
  postSigned(body: unknown): Promise<WebhookPostResult> {
    const raw = metaJsonStringify(body);
    return this.postRaw(raw, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(raw, this.appSecret) });
  }

  /**
   * Posts exactly `body` with exactly `headers` (content-type defaults to JSON) and no signature
   * unless one is given: for malformed-input and bad-signature tests.
   */
  async postRaw(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<WebhookPostResult> {
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    const response = await this.fetchImpl(this.webhookUrl, {
      method: 'POST',
      headers: hasContentType ? headers : { 'content-type': 'application/json', ...headers },
      // A copy typed as Uint8Array<ArrayBuffer>: fetch's typings refuse views of a SharedArrayBuffer.
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const sentBody = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    return { status: response.status, body: await response.text(), sentBody };
  }
}
