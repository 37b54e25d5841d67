import { invalidParameter } from '../graph-errors.js';
import { stringParam, type GraphParams } from '../graph-request.js';
import type { EdgeContext, EdgeHandler } from './edge-context.js';
import { assertMayHandOver } from './thread-guard.js';

/** A fresh object per answer, so a test mutating one recorded body cannot change another. */
const success = () => ({ status: 200, body: { success: true } });

function recipientPsid(params: GraphParams): string {
  const recipient = params.recipient;
  const id = recipient !== null && typeof recipient === 'object' ? (recipient as { id?: unknown }).id : undefined;
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number') return String(id);
  throw invalidParameter('param recipient[id] is required');
}

function threadOf(context: EdgeContext): { pageId: string; psid: string } {
  return { pageId: context.caller.pageId, psid: recipientPsid(context.params) };
}

/** The owner hands the thread to `target_app_id`. */
export const handlePassThreadControl: EdgeHandler = (context) => {
  const { pageId, psid } = threadOf(context);
  const targetAppId = stringParam(context.params, 'target_app_id');
  if (targetAppId === undefined || targetAppId.length === 0) throw invalidParameter('param target_app_id is required');
  assertMayHandOver(context.state, pageId, psid, context.caller.appId);
  context.state.threads.assign(pageId, psid, targetAppId);
  return success();
};

/** The calling app becomes the owner. */
export const handleTakeThreadControl: EdgeHandler = (context) => {
  const { pageId, psid } = threadOf(context);
  context.state.threads.assign(pageId, psid, context.caller.appId);
  return success();
};

/** Only a notification to the owner on Meta's side: nothing changes hands. */
export const handleRequestThreadControl: EdgeHandler = (context) => {
  threadOf(context);
  return success();
};

/** The owner gives the thread up; it becomes idle. */
export const handleReleaseThreadControl: EdgeHandler = (context) => {
  const { pageId, psid } = threadOf(context);
  assertMayHandOver(context.state, pageId, psid, context.caller.appId);
  context.state.threads.release(pageId, psid);
  return success();
};

/** `GET thread_owner?recipient=<PSID>`: Meta's shape, `data: []` while idle (§2.5). */
export const handleThreadOwner: EdgeHandler = (context) => {
  const psid = stringParam(context.params, 'recipient');
  if (psid === undefined || psid.length === 0) throw invalidParameter('param recipient is required');
  const owner = context.state.threads.owner(context.caller.pageId, psid);
  const data = owner ? [{ thread_owner: { app_id: owner.appId, expiration: owner.expiration } }] : [];
  return { status: 200, body: { data } };
};
