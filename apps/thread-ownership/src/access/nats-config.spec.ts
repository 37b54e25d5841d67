import { describe, expect, it } from 'vitest';
import { botPermissions, natsUsers, renderNatsConfig } from './nats-config.js';
import { deriveNatsPassword } from '@app/messaging';

const SECRET = 's'.repeat(32);

describe('NATS access configuration', () => {
  it('lets a bot use only its own rpc subjects, consumer, inbox and health report', () => {
    expect(botPermissions('mho', 'sales')).toEqual({
      publish: [
        'mho.rpc.sales.>',
        'mho.health.sales',
        '$JS.API.CONSUMER.INFO.MHO_BOTS.bot-sales',
        '$JS.API.CONSUMER.MSG.NEXT.MHO_BOTS.bot-sales',
        '$JS.ACK.MHO_BOTS.bot-sales.>',
      ],
      subscribe: ['_INBOX_sales.>'],
    });
  });

  it('derives stable, distinct passwords per user from the secret', () => {
    expect(deriveNatsPassword(SECRET, 'bot-a')).toBe(deriveNatsPassword(SECRET, 'bot-a'));
    expect(deriveNatsPassword(SECRET, 'bot-a')).not.toBe(deriveNatsPassword(SECRET, 'bot-b'));
    expect(deriveNatsPassword(SECRET, 'bot-a')).not.toBe(deriveNatsPassword('t'.repeat(32), 'bot-a'));
    expect(deriveNatsPassword(SECRET, 'bot-a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('renders one account with services first, then bots, deterministically', () => {
    const input = { prefix: 'mho', appIds: ['support', 'sales', 'sales'], services: ['thread-ownership', 'ingress'], secret: SECRET };
    expect(natsUsers(input).map((u) => u.user)).toEqual(['svc-ingress', 'svc-thread-ownership', 'bot-sales', 'bot-support']);
    const text = renderNatsConfig(input);
    expect(text).toBe(renderNatsConfig(input));
    expect(text).toContain('accounts {\n  MHO: {\n    jetstream: enabled\n');
    expect(text).toContain(`{ user: "bot-sales", password: "${deriveNatsPassword(SECRET, 'bot-sales')}", permissions: {`);
    expect(text).toContain('publish: { allow: [">"] }');
    expect(text).toContain('subscribe: { allow: ["_INBOX_support.>"] }');
  });
});
