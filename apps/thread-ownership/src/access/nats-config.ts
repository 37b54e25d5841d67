import { botConsumerName, botDeliveryReportSubject, botInboxPrefix, streamName } from '@app/contracts';
import { botNatsUser, deriveNatsPassword, serviceNatsUser } from '@app/messaging';

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

export interface NatsUserEntry {
  user: string;
  password: string;
  comment: string;
  permissions: NatsPermissions;
}

/**
 * What one bot may do on NATS, nothing more (an allow-list: everything else is denied):
 * - call the suite as itself: `<p>.rpc.<appId>.>` (the app id in the subject is the caller);
 * - report failed deliveries: `<p>.health.<appId>`;
 * - use its own durable consumer, which the suite creates: read it (`CONSUMER.INFO`), pull
 *   (`CONSUMER.MSG.NEXT`), ack/nak (`$JS.ACK.<stream>.bot-<appId>.>`). No consumer create or
 *   update (a consumer could be filtered on another bot's subjects), no stream reads;
 * - receive replies and pulled events on its own inbox `_INBOX_<appId>.>` only.
 */
export function botPermissions(prefix: string, appId: string): NatsPermissions {
  const stream = streamName(prefix, 'BOTS');
  const durable = botConsumerName(appId);
  return {
    publish: [
      `${prefix}.rpc.${appId}.>`,
      `${prefix}.${botDeliveryReportSubject(appId)}`,
      `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
      `$JS.ACK.${stream}.${durable}.>`,
    ],
    subscribe: [`${botInboxPrefix(appId)}.>`],
  };
}

/** Services route, deliver, answer every bot's requests and manage streams and consumers. */
export const servicePermissions = (): NatsPermissions => ({ publish: ['>'], subscribe: ['>'] });

export interface NatsConfigInput {
  prefix: string;
  /** Bot app ids (the Page registry's distinct bot apps). */
  appIds: string[];
  /** Service names (`ingress`, `thread-ownership`, `notifications`, …). */
  services: string[];
  /** NATS_CREDENTIALS_SECRET: every password is derived from it. */
  secret: string;
  /** Account name (NATS_ACCOUNT); default `MHO`. Renaming it moves users to a new account, without the old one's streams. */
  account?: string;
}

export function natsUsers(input: NatsConfigInput): NatsUserEntry[] {
  const services = [...new Set(input.services)].sort().map((service) => {
    const user = serviceNatsUser(service);
    return { user, password: deriveNatsPassword(input.secret, user), comment: `service ${service}`, permissions: servicePermissions() };
  });
  const bots = [...new Set(input.appIds)].sort().map((appId) => {
    const user = botNatsUser(appId);
    return { user, password: deriveNatsPassword(input.secret, user), comment: `bot app ${appId}`, permissions: botPermissions(input.prefix, appId) };
  });
  return [...services, ...bots];
}

/** The suite's processes that connect to NATS as themselves (svc-<name>); bots have users of their own. */
export const DEFAULT_SERVICE_USERS = ['ingress', 'thread-ownership', 'notifications', 'console'];

/**
 * The nats-server configuration (2.9 syntax) of an installation: one account with JetStream,
 * one user per service and per bot app. Deterministic for the same input, so it can be diffed.
 */
export function renderNatsConfig(input: NatsConfigInput): string {
  const account = input.account ?? 'MHO';
  const users = natsUsers(input);
  const q = (s: string) => JSON.stringify(s);
  const list = (subjects: string[]) => `[${subjects.map(q).join(', ')}]`;
  const lines = [
    `# nats-server configuration of the Messenger handover orchestrator (prefix "${input.prefix}").`,
    `# Generated from the Page registry: ${input.appIds.length} bot app(s), ${input.services.length} service(s).`,
    '# It contains passwords: keep it private (chmod 600). Include it from the server configuration,',
    '# which keeps listen, TLS and `jetstream { store_dir }`: include "mho-accounts.conf".',
    '# After adding an app, regenerate this file and reload: nats-server --signal reload.',
    'accounts {',
    `  ${account}: {`,
    '    jetstream: enabled',
    '    users: [',
    ...users.flatMap((u) => [
      `      # ${u.comment}`,
      `      { user: ${q(u.user)}, password: ${q(u.password)}, permissions: {`,
      `          publish: { allow: ${list(u.permissions.publish)} }`,
      `          subscribe: { allow: ${list(u.permissions.subscribe)} }`,
      '      } }',
    ]),
    '    ]',
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}
