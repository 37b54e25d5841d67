import { missingPermission } from '../login/login-errors.js';
import { invalidParameter } from '../graph-errors.js';
import { KNOWN_SUBSCRIBED_FIELDS } from '../subscription-registry.js';
import type { EdgeContext, EdgeHandler } from './edge-context.js';

/** `subscribed_fields` arrives comma-separated (form/query) or as a JSON array. */
function requestedFields(value: unknown): string[] {
  let list: unknown = value;
  if (typeof value === 'string') list = value.trim().startsWith('[') ? safeJson(value) : value.split(',');
  if (!Array.isArray(list)) throw invalidParameter('param subscribed_fields is required');
  const fields = list.map((field) => String(field).trim()).filter((field) => field.length > 0);
  if (fields.length === 0) throw invalidParameter('param subscribed_fields is required');
  const unknown = fields.find((field) => !KNOWN_SUBSCRIBED_FIELDS.has(field));
  if (unknown !== undefined) throw invalidParameter(`Param subscribed_fields[${fields.indexOf(unknown)}] must be one of {${[...KNOWN_SUBSCRIBED_FIELDS].join(', ')}}`);
  return fields;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Tokens issued through the emulated login carry scopes; subscribing needs pages_manage_metadata (§6.4). */
function assertMayManage(context: EdgeContext): void {
  const info = context.state.login.info(context.caller.accessToken);
  if (info && !info.scopes.includes('pages_manage_metadata')) throw missingPermission('pages_manage_metadata');
}

/** `POST /{page-id}/subscribed_apps`: subscribes the calling app with the given fields. */
export const handleSubscribeApp: EdgeHandler = (context) => {
  assertMayManage(context);
  const fields = requestedFields(context.params.subscribed_fields);
  context.state.subscriptions.subscribe(context.caller.pageId, context.caller.appId, fields);
  return { status: 200, body: { success: true } };
};

/** `GET /{page-id}/subscribed_apps`: the apps installed on the Page; empty `data` = none. */
export const handleListSubscribedApps: EdgeHandler = (context) => {
  const data = context.state.subscriptions.list(context.caller.pageId).map((s) => ({
    category: 'Business',
    link: `https://emulator.invalid/apps/${s.appId}`,
    name: `App ${s.appId}`,
    id: s.appId,
    subscribed_fields: s.fields,
  }));
  return { status: 200, body: { data } };
};

/** `DELETE /{page-id}/subscribed_apps`: removes the calling app's subscription. */
export const handleUnsubscribeApp: EdgeHandler = (context) => {
  assertMayManage(context);
  context.state.subscriptions.unsubscribe(context.caller.pageId, context.caller.appId);
  return { status: 200, body: { success: true } };
};
