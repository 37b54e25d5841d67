import { newMessageId } from '../emulator-state.js';
import { invalidOneTimeNotifToken } from '../graph-errors.js';
import { validateSendRequest, type ThreadControlRequest, type ValidSendRequest } from '../send-api-validation.js';
import type { EdgeContext, EdgeHandler } from './edge-context.js';
import { assertMaySend } from './thread-guard.js';

/** The PSID Meta will report back, or undefined when Meta omits `recipient_id` (user_ref, unknown OTN user). */
function recipientPsid(context: EdgeContext, request: ValidSendRequest): string | undefined {
  const { recipient } = request;
  if (recipient.kind === 'id') return recipient.psid;
  if (recipient.kind === 'user_ref') return undefined;
  const check = context.state.otn.check(recipient.token, context.caller.pageId);
  if (!check.valid) throw invalidOneTimeNotifToken(check.reason);
  return check.grant.psid;
}

function applyThreadControl(context: EdgeContext, psid: string, control: ThreadControlRequest): void {
  const { threads } = context.state;
  const { pageId } = context.caller;
  // Passing without an app id hands the thread to the Page's default app, which the emulator does
  // not model: the thread becomes idle, as after a release.
  if (control.controlType === 'pass' && control.appId !== undefined) threads.assign(pageId, psid, control.appId);
  else threads.release(pageId, psid);
}

/** `POST /{page-id|me}/messages`: validates, spends an OTN token if one is used, answers like Meta. */
export const handleSendApi: EdgeHandler = (context) => {
  const request = validateSendRequest(context.params);
  const psid = recipientPsid(context, request);
  const { state, caller } = context;
  if (psid !== undefined) assertMaySend(state, caller.pageId, psid, caller.appId);
  if (request.recipient.kind === 'one_time_notif_token') state.otn.markUsed(request.recipient.token);
  if (psid !== undefined && request.threadControl) applyThreadControl(context, psid, request.threadControl);
  // Sender actions are acknowledged with the recipient only (§5.4).
  const messageId = request.content === 'message' ? { message_id: newMessageId() } : {};
  const recipientId = psid === undefined ? {} : { recipient_id: psid };
  return { status: 200, body: { ...recipientId, ...messageId } };
};
