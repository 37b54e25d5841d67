import { PAGE_INBOX_APP_ID } from '@app/contracts';
import { UserSimulator } from '@app/messenger-emulator';

interface GraphCall {
  seq: number;
  method: string;
  path: string;
  edge: string | null;
  body: Record<string, any>;
  response: { status: number; body: unknown };
}

export interface ConversationContext {
  pageId: string;
  ingressUrl: string;
  emulatorUrl: string;
  adminUrl: string;
  adminToken: string;
  appSecret: string;
  notificationsUrl: string;
  /** Makes the sales bot send its back-in-stock notifications (it listens for SIGUSR2). */
  triggerRestock(): void;
  say(line: string): void;
}

/**
 * A short scripted conversation that shows the three flows: routing to the owner and its reply,
 * handovers (bot → bot → human agents), and a one-time notification used exactly once.
 */
export async function playConversation(c: ConversationContext): Promise<void> {
  const user = new UserSimulator({ ingressUrl: c.ingressUrl, appSecret: c.appSecret, pageId: c.pageId }).linkGraph(c.emulatorUrl);
  const alice = '7001';
  const bob = '7002';
  let seen = 0;
  const nextCall = async (what: string, match: (call: GraphCall) => boolean): Promise<GraphCall> => {
    const call = await poll(`the Graph API to receive ${what}`, async () => (await graphCalls(c.emulatorUrl)).find((x) => x.seq >= seen && match(x)));
    seen = call.seq + 1;
    c.say(`   Graph API ← ${call.method} ${call.path}  ${summarise(call.body)}  → HTTP ${call.response.status}`);
    return call;
  };
  const owner = async (psid: string) => c.say(`   Thread owner of ${psid}: ${await threadOwner(c, psid)}`);

  c.say('\n▶ Flow 1 — Alice writes; the default app (sales-bot) owns the thread and answers');
  await user.sendText(alice, 'Hi! Do you sell running shoes?');
  await nextCall('the sales reply', (x) => x.edge === 'messages' && x.body.recipient?.id === alice);
  await owner(alice);

  c.say('\n▶ Flow 2 — Alice has an order problem; sales-bot passes the thread to support-bot');
  await user.sendText(alice, 'My order #1234 arrived broken');
  await nextCall('the hand-off message', (x) => x.edge === 'messages' && /support team/.test(x.body.message?.text ?? ''));
  await nextCall("support-bot's greeting", (x) => x.edge === 'messages' && /Support here/.test(x.body.message?.text ?? ''));
  await owner(alice);
  c.say('   Alice writes again; support-bot now gets it on messaging, sales-bot on standby:');
  await user.sendText(alice, 'It is the blue pair, size 42');
  await nextCall("support-bot's answer", (x) => x.edge === 'messages' && /noted/.test(x.body.message?.text ?? ''));
  c.say('   Alice asks for a person; support-bot passes the thread to the Page Inbox (human agents):');
  await user.sendText(alice, 'Can I talk to a human, please?');
  await nextCall('the pass to the Page Inbox', (x) => x.edge === 'pass_thread_control' && String(x.body.target_app_id) === PAGE_INBOX_APP_ID);
  await owner(alice);

  c.say('\n▶ Flow 3 — Bob asks to be told about a restock (one-time notification)');
  await user.sendText(bob, 'Please notify me when the trail shoes are back in stock');
  await nextCall('the opt-in request template', (x) => x.body.message?.attachment?.payload?.template_type === 'one_time_notif_req');
  c.say('   Bob taps "Notify Me":');
  await user.optInOneTimeNotification(bob, 'back-in-stock');
  await poll('the token to be stored', async () => {
    const inventory = await fetch(`${c.notificationsUrl}/pages/${c.pageId}/tokens?psid=${bob}`, { headers: { authorization: `Bearer ${c.adminToken}` } }).then((r) => r.text());
    return inventory.includes('back-in-stock') ? inventory : undefined;
  });
  c.say('   Stock arrives; sales-bot notifies its subscribers:');
  c.triggerRestock();
  await nextCall('the notification', (x) => x.body.recipient?.one_time_notif_token !== undefined);
  c.say('   A second notification on the same topic is refused (the token was used):');
  c.triggerRestock();
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function graphCalls(emulatorUrl: string): Promise<GraphCall[]> {
  const response = await fetch(`${emulatorUrl}/_emulator/calls`);
  return ((await response.json()) as { calls: GraphCall[] }).calls;
}

async function threadOwner(c: ConversationContext, psid: string): Promise<string> {
  const response = await fetch(`${c.adminUrl}/pages/${c.pageId}/threads/${psid}`, { headers: { authorization: `Bearer ${c.adminToken}` } });
  const owner = ((await response.json()) as { ownerAppId?: string | null }).ownerAppId;
  return owner === PAGE_INBOX_APP_ID ? `Page Inbox (${owner})` : (owner ?? 'nobody (idle)');
}

function summarise(body: Record<string, any>): string {
  if (body.recipient?.one_time_notif_token) return `"${body.message?.text}" to a one-time notification token (no tag, no window)`;
  if (body.message?.text) return `"${body.message.text}"`;
  if (body.message?.attachment) return `template ${body.message.attachment.payload?.template_type} "${body.message.attachment.payload?.title}"`;
  if (body.target_app_id) return `target_app_id=${body.target_app_id} metadata="${body.metadata ?? ''}"`;
  return JSON.stringify(body).slice(0, 120);
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
