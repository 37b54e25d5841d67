import { describe, expect, it } from 'vitest';
import { replyAllowed } from './reply-guard.js';

describe('replyAllowed', () => {
  it("answers a bot in its own inbox or the default one, never at a JetStream API or stream subject", () => {
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', '_INBOX_alpha.abc.1')).toBe(true);
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', '_INBOX.abc.1')).toBe(true);
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', '$JS.API.STREAM.PURGE.MHO_BOTS')).toBe(false);
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', 'mho.bot.beta.messaging')).toBe(false);
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', '_INBOX_beta.abc.1')).toBe(false); // another bot's inbox
    expect(replyAllowed('mho', 'mho.rpc.alpha.app.pages', '_INBOX_alphabet.abc')).toBe(false);
  });

  it('answers a service in an inbox of its own prefix, and lets a request without a reply through', () => {
    expect(replyAllowed('mho', 'mho.internal.outbound.deliver', '_INBOX_svc.x.1')).toBe(true);
    expect(replyAllowed('mho', 'mho.internal.outbound.deliver', '$JS.API.STREAM.DELETE.MHO_EVENTS')).toBe(false);
    expect(replyAllowed('mho', 'mho.rpc.alpha.thread.pass', undefined)).toBe(true);
  });
});
