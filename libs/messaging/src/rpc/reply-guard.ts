import { botInboxPrefix } from '@app/contracts';

/**
 * Whether a request's reply subject may be answered. The caller chooses the reply subject, and a
 * service publishes its answer with a NATS user that may publish anywhere: a bot that names
 * `$JS.API.STREAM.PURGE.<stream>` (or a stream's subject) as its reply would have the service
 * purge that stream (JetStream takes any JSON body as a purge request) or write into it on the
 * bot's behalf. So answers go only to inboxes: a bot's request (`<prefix>.rpc.<appId>.…`) to that
 * app's own inbox (`_INBOX_<appId>.`, what its NATS user may read) or the default `_INBOX.` (a
 * bot without access control); a service's request (`<prefix>.internal.…`) to an inbox.
 */
export function replyAllowed(prefix: string, subject: string, reply: string | undefined): boolean {
  if (!reply) return true; // nothing will be published
  if (reply.startsWith('_INBOX.')) return true;
  const rest = subject.startsWith(`${prefix}.rpc.`) ? subject.slice(prefix.length + 5) : undefined;
  if (rest === undefined) return /^_INBOX_[A-Za-z0-9_-]+\./.test(reply);
  const appId = rest.slice(0, rest.indexOf('.'));
  return appId.length > 0 && reply.startsWith(`${botInboxPrefix(appId)}.`);
}
