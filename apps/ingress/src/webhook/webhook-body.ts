import { webhookBodySchema, type WebhookBody } from '@app/contracts';

type BodyCheck = { success: true; data: WebhookBody } | { success: false };

/**
 * `webhookBodySchema.safeParse`, with a fast path for the bodies Meta actually sends. zod copies
 * every entry and every event object (z.looseObject, z.record) on each POST, a visible share of
 * the ingress' CPU per event. When the body plainly has the schema's shape (entries with a
 * string or number id, a numeric or absent time, arrays of plain objects under messaging and
 * standby), the parsed objects are used as they are, only an entry with a numeric id is copied
 * (the schema turns it into a string). Anything else, including an event with an own
 * `__proto__` key (zod leaves that key out of its copy), goes to zod, so the result is always
 * the schema's (webhook-body.spec.ts checks both against each other).
 */
export function checkWebhookBody(json: unknown): BodyCheck {
  const data = fastPath(json);
  if (data) return { success: true, data };
  const parsed = webhookBodySchema.safeParse(json);
  return parsed.success ? { success: true, data: parsed.data } : { success: false };
}

function fastPath(json: unknown): WebhookBody | undefined {
  if (!isRecord(json) || typeof json.object !== 'string' || !Array.isArray(json.entry)) return undefined;
  const entries: WebhookBody['entry'] = [];
  for (const entry of json.entry as unknown[]) {
    if (!isRecord(entry)) return undefined;
    const { id, time } = entry;
    if (typeof id !== 'string' && typeof id !== 'number') return undefined;
    if (time !== undefined && typeof time !== 'number') return undefined;
    if (!arePlainEvents(entry.messaging) || !arePlainEvents(entry.standby)) return undefined;
    entries.push((typeof id === 'string' ? entry : { ...entry, id: String(id) }) as WebhookBody['entry'][number]);
  }
  return { ...json, entry: entries } as WebhookBody;
}

function arePlainEvents(events: unknown): boolean {
  if (events === undefined) return true;
  if (!Array.isArray(events)) return false;
  for (const event of events) if (!isRecord(event) || Object.hasOwn(event, '__proto__')) return false;
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
