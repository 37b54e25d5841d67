import { signBody } from '@app/messenger-emulator';
import { prefixed, UNROUTABLE_WEBHOOK_SUBJECT } from '@app/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamReader } from '../../apps/ingress/test/stream-reader.js';
import { numericId } from '../../apps/ingress/test/webhook-fixtures.js';
import { startIngress, type IngressUnderTest } from '../support/ingress-under-test.js';
import type { TestEnvironment } from '../support/test-environment.js';

const SECRET = 'test-app-secret'; // what createTestEnvironment sets as META_APP_SECRET

/**
 * A body limit above what one NATS message may carry (the server's max_payload, 1 MiB by
 * default): a signed body kept whole as unroutable must still be acknowledged, or Meta would
 * retry it for an hour and then turn the webhook off.
 */
describe('ingress with a body limit above NATS max_payload', () => {
  let env: TestEnvironment;
  let app: NestFastifyApplication;
  let url: string;
  let reader: StreamReader;
  let ingress: IngressUnderTest | undefined;

  beforeAll(async () => {
    ingress = await startIngress({ WEBHOOK_BODY_LIMIT_BYTES: String(4 * 1024 * 1024) });
    ({ env, app, url, reader } = ingress);
  });

  afterAll(() => ingress?.stop());

  it('acknowledges a 2 MB unroutable body and keeps it without its body (size and hash kept)', async () => {
    const marker = numericId();
    const raw = JSON.stringify({ object: 'instagram', entry: [{ id: marker, time: 1, blob: 'x'.repeat(2_000_000) }] });
    const response = await fetch(`${url}/webhook`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, SECRET) } });
    expect(response.status).toBe(200);

    const kept = (await reader.all()).filter((m) => m.subject === prefixed(env.prefix, UNROUTABLE_WEBHOOK_SUBJECT));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.data).toMatchObject({ reason: 'object', object: 'instagram', omitted: { bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(kept[0]!.data.body).toBeUndefined();
    expect((kept[0]!.data.omitted as { bytes: number }).bytes).toBeGreaterThan(2_000_000);
  });
});
