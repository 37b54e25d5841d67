import { ErrorCode, RpcError } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { ADMIN_TOKEN, PAGE_ID, PAGE_TOKEN, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';

type Body = Record<string, any>;

/**
 * Issue 3's three flows, end to end: signed webhook → ingress → JetStream → thread-ownership →
 * bots (SDK) → reply → Graph emulator; handover; one-time notification.
 */
describe('walking skeleton', () => {
  let suite: RunningSuite;
  let sales: RecordingBot;
  let support: RecordingBot;

  beforeAll(async () => {
    suite = await startSuite();
    await suite.registerPage({ defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support' }] });
    const connection = { servers: suite.env.natsUrl, prefix: suite.env.prefix };
    const echo = (name: string) => async (event: Parameters<typeof textOf>[0], ctx: { reply(t: string): Promise<unknown> }) => {
      if (textOf(event)?.startsWith('hi')) await ctx.reply(`${name} here, you said: ${textOf(event)}`);
    };
    sales = await RecordingBot.start({ appId: 'sales', ...connection }, echo('sales'));
    support = await RecordingBot.start({ appId: 'support', ...connection }, echo('support'));
  });

  afterAll(async () => {
    await sales?.close();
    await support?.close();
    await suite?.stop();
  });

  const sendsTo = (psid: string) => (call: { edge: string | null; body: unknown }) =>
    call.edge === 'messages' && (call.body as Body)?.recipient?.id === psid;

  it('flow 1: a user message reaches the default owner on messaging, the other bot on standby, and the reply is sent', async () => {
    const psid = '2000001';
    const posted = await suite.user.sendText(psid, 'hi there');
    expect(posted.status).toBe(200);

    const owned = await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'hi there', 'the user message');
    expect(owned.ownerAppId).toBe('sales');
    expect(owned.pageId).toBe(PAGE_ID);
    const watched = await support.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'hi there', 'the user message');
    expect(watched.idempotencyKey).not.toBe(owned.idempotencyKey);
    expect(support.received('messaging', (e) => e.psid === psid)).toHaveLength(0);

    const call = await suite.graph.waitForCall(sendsTo(psid));
    const body = call.body as Body;
    expect(body.message.text).toBe('sales here, you said: hi there');
    expect(body.messaging_type).toBe('RESPONSE');
    expect(call.pageId).toBe(PAGE_ID);
    expect(call.query.access_token).toBe(PAGE_TOKEN);
    expect(call.response.status).toBe(200);
  });

  it('flow 2: a pass moves the thread; both bots hear of it; the next message goes to the new owner; the old one may not send', async () => {
    const psid = '2000002';
    await suite.user.sendText(psid, 'hello');
    await sales.waitFor('messaging', (e) => e.psid === psid, 'the first message');

    const passed = await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'support', metadata: 'order 42, wants a refund' });
    expect(passed).toEqual({ success: true });

    for (const bot of [sales, support]) {
      const handover = await bot.waitFor('handover', (e) => e.psid === psid && e.kind === 'pass_thread_control', 'the pass');
      expect(handover.event.pass_thread_control).toEqual({ previous_owner_app_id: 'sales', new_owner_app_id: 'support', metadata: 'order 42, wants a refund' });
    }

    await suite.user.sendText(psid, 'where is my refund?');
    const owned = await support.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'where is my refund?', 'the next message');
    expect(owned.ownerAppId).toBe('support');
    await sales.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'where is my refund?', 'the next message');
    expect(sales.received('messaging', (e) => textOf(e) === 'where is my refund?')).toHaveLength(0);

    const refused = await sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'still me' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RpcError);
    expect((refused as RpcError).code).toBe(ErrorCode.NotThreadOwner);
    expect(suite.graph.calls((c) => (c.body as Body)?.message?.text === 'still me')).toHaveLength(0);

    const owner = await support.suite.threadOwner({ pageId: PAGE_ID, psid });
    expect(owner.data[0]?.thread_owner.app_id).toBe('support');
  });

  it('flow 3: one-time notification: request, opt-in, one notify with the token, a second one refused', async () => {
    const psid = '2000003';
    await suite.user.sendText(psid, 'tell me when the red shoes are back');
    await sales.waitFor('messaging', (e) => e.psid === psid, 'the message');

    await sales.suite.requestNotification({ pageId: PAGE_ID, psid, topic: 'red-shoes-back', title: 'Get a message when the red shoes are back' });
    const template = await suite.graph.waitForCall(sendsTo(psid));
    expect((template.body as Body).message.attachment.payload).toMatchObject({
      template_type: 'one_time_notif_req',
      title: 'Get a message when the red shoes are back',
      payload: 'red-shoes-back',
    });

    const token = await suite.user.optInOneTimeNotification(psid, 'red-shoes-back');
    const optin = await sales.waitFor('messaging', (e) => e.psid === psid && e.kind === 'optin', 'the opt-in');
    expect(JSON.stringify(optin)).not.toContain(token);
    await waitFor(async () => {
      const inventory = await fetch(`${suite.notificationsUrl}/pages/${PAGE_ID}/tokens?psid=${psid}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json());
      return JSON.stringify(inventory).includes('red-shoes-back') ? inventory : undefined;
    }, 'the token to be stored');

    const sent = await sales.suite.notify({ pageId: PAGE_ID, psid, topic: 'red-shoes-back', message: { text: 'The red shoes are back!' } });
    expect(sent.message_id).toMatch(/.+/);
    const notification = suite.graph.calls((c) => (c.body as Body)?.recipient?.one_time_notif_token !== undefined);
    expect(notification).toHaveLength(1);
    const body = notification[0]!.body as Body;
    expect(body.recipient).toEqual({ one_time_notif_token: token });
    expect(body.tag).toBeUndefined();
    expect(body.messaging_type).toBeUndefined();
    expect(body.message.text).toBe('The red shoes are back!');

    const again = await sales.suite.notify({ pageId: PAGE_ID, psid, topic: 'red-shoes-back', message: { text: 'twice?' } }).catch((e: unknown) => e);
    expect((again as RpcError).code).toBe(ErrorCode.OtnNoTokenLeft);
  });
});
