import { buildTextMessageEvent, buildWebhookBody, metaJsonStringify, newMid, signBody } from '@app/messenger-emulator';
import { ensureStreams, streamSettingsFromEnv } from '@app/messaging';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../apps/ingress/test/boot-ingress.js';
import type { StreamReader } from '../../apps/ingress/test/stream-reader.js';
import { numericId } from '../../apps/ingress/test/webhook-fixtures.js';
import { startIngress, type IngressUnderTest } from '../support/ingress-under-test.js';
import type { TestEnvironment } from '../support/test-environment.js';

/**
 * JetStream unavailable → 503 (Meta retries), then the retry is stored exactly once.
 *
 * How the outage is simulated, with the real NATS server and no mocks:
 *  - "no stream": the test deletes its EVENTS stream, so a publish finds no responder and
 *    fails at once (NATS "no responders" status);
 *  - "no ack in time": with the stream still deleted, a plain core-NATS subscriber takes the
 *    publishes and never answers, so each publish waits PUBLISH_TIMEOUT_MS and times out.
 * Recovery recreates the streams with the messaging lib's own `ensureStreams`.
 */
const SECRET = 'test-app-secret';
const PUBLISH_TIMEOUT_MS = 300;

let env: TestEnvironment;
let app: NestFastifyApplication;
let url: string;
let reader: StreamReader;
let ingress: IngressUnderTest | undefined;

beforeAll(async () => {
  ingress = await startIngress({ PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS) });
  ({ env, app, url, reader } = ingress);
});

afterAll(() => ingress?.stop());

function batchOf3(pageId: string): string {
  const event = (psid: string) => buildTextMessageEvent({ pageId, psid, timestamp: Date.now() }, newMid(), `hello from ${psid}`);
  return metaJsonStringify(buildWebhookBody([{ pageId, time: Date.now(), messaging: [event('1'), event('2'), event('3')] }]));
}

const deliver = (raw: string) =>
  fetch(`${url}/webhook`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, SECRET) } });
const recreateStreams = () => ensureStreams(reader.jsm, env.prefix, streamSettingsFromEnv(process.env));
const failures = async () => metricValue(await (await fetch(`${url}/metrics`)).text(), 'ingress_publish_failures_total', { target: 'event' });

describe('JetStream unavailable', () => {
  it('503s when the stream is gone, then stores the retried batch exactly once', async () => {
    const pageId = numericId();
    const raw = batchOf3(pageId);
    const failuresBefore = await failures();
    await reader.jsm.streams.delete(reader.stream);

    const refused = await deliver(raw);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });
    expect((await failures()) - failuresBefore).toBe(3);

    await recreateStreams();
    const retried = await deliver(raw);
    expect(retried.status).toBe(200);
    expect(await deliver(raw).then((r) => r.status)).toBe(200); // Meta may retry once more
    expect((await reader.eventsOfPage(pageId)).map((m) => m.data.psid)).toEqual(['1', '2', '3']);
  });

  it('503s within the publish timeout when JetStream does not ack, then recovers', async () => {
    const pageId = numericId();
    const raw = batchOf3(pageId);
    await reader.jsm.streams.delete(reader.stream);
    const blackHole = reader.nc.subscribe(`${env.prefix}.events.>`); // receives, never acks
    try {
      const started = Date.now();
      const refused = await deliver(raw);
      expect(refused.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(PUBLISH_TIMEOUT_MS - 20);
      expect(Date.now() - started).toBeLessThan(PUBLISH_TIMEOUT_MS + 2000);
    } finally {
      blackHole.unsubscribe();
      await reader.nc.flush();
    }

    await recreateStreams();
    expect((await deliver(raw)).status).toBe(200);
    expect(await reader.eventsOfPage(pageId)).toHaveLength(3);
  });
});
