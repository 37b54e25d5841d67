import { readAccessToken } from '../access-control.js';
import { accessTokenRequired } from '../graph-errors.js';
import { stringParam } from '../graph-request.js';
import type { LoginHandler } from './login-context.js';
import { sessionInvalidated } from './login-errors.js';
import { ALL_PAGE_TASKS } from './login-registry.js';

const DEFAULT_FIELDS = ['id', 'name', 'access_token', 'category', 'tasks'];

/** `GET /me/accounts` with a user token: the Pages the user manages, each with a fresh Page token (§6.3). */
export const handleAccounts: LoginHandler = (context) => {
  const token = readAccessToken(context.params, context.authorization);
  if (token === undefined) throw accessTokenRequired();
  const user = context.state.login.user(token);
  if (!user) throw sessionInvalidated();
  const fields = new Set((stringParam(context.params, 'fields') ?? DEFAULT_FIELDS.join(',')).split(',').map((f) => f.trim()));
  fields.add('id');
  const data = user.pages.map((page) => {
    const full: Record<string, unknown> = {
      id: page.id,
      name: page.name ?? `Page ${page.id}`,
      access_token: context.state.login.issuePageToken(user.info, page.id),
      category: 'Shopping & retail',
      tasks: page.tasks ?? ALL_PAGE_TASKS,
    };
    return Object.fromEntries(Object.entries(full).filter(([name]) => fields.has(name)));
  });
  const last = data.at(-1)?.id;
  return { status: 200, body: { data, paging: { cursors: { before: data[0]?.id ?? '', after: last ?? '' } } } };
};
