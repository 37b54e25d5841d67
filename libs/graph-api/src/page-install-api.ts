import { z } from 'zod';
import type { GraphClient } from './graph-client.js';

/** What the suite asks a Page admin for in the Facebook Login dialog (§6.1). */
export const PAGE_INSTALL_SCOPES = ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'] as const;

/** Webhook fields the app subscribes each Page to (§1.5, §6.4). */
export const MESSENGER_SUBSCRIBED_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_optins',
  'messaging_referrals',
  'messaging_handovers',
  'standby',
  'message_echoes',
  'message_reads',
  'message_deliveries',
  'message_reactions',
] as const;

const userTokenSchema = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.number().optional() });
export type UserAccessToken = z.infer<typeof userTokenSchema>;

const managedPageSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  access_token: z.string().min(1),
  tasks: z.array(z.string()).optional(),
});
export type ManagedPage = z.infer<typeof managedPageSchema>;
const accountsSchema = z.object({
  data: z.array(managedPageSchema),
  paging: z.object({ cursors: z.object({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

const debugTokenSchema = z.object({
  data: z.looseObject({
    app_id: z.string().optional(),
    type: z.string().optional(),
    is_valid: z.boolean(),
    scopes: z.array(z.string()).default([]),
    expires_at: z.number().optional(),
    user_id: z.string().optional(),
    profile_id: z.string().optional(),
  }),
});
export type TokenDebugInfo = z.infer<typeof debugTokenSchema>['data'];

const subscribedAppsSchema = z.object({
  data: z.array(z.looseObject({ id: z.string().optional(), subscribed_fields: z.array(z.string()).default([]) })),
});

export interface MetaApp {
  appId: string;
  appSecret: string;
}

export interface LoginDialogParams {
  /** `https://www.facebook.com` in production. */
  dialogBaseUrl: string;
  version: string;
  appId: string;
  redirectUri: string;
  state: string;
  scopes?: readonly string[];
}

/** The Facebook Login dialog URL (manual web flow, §6.1). */
export function loginDialogUrl(params: LoginDialogParams): string {
  const url = new URL(`${params.dialogBaseUrl.replace(/\/$/, '')}/${params.version}/dialog/oauth`);
  url.searchParams.set('client_id', params.appId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('state', params.state);
  url.searchParams.set('scope', (params.scopes ?? PAGE_INSTALL_SCOPES).join(','));
  url.searchParams.set('response_type', 'code');
  return url.toString();
}

/** Follows /me/accounts pages; a user rarely manages more, and this bounds a misbehaving cursor. */
const MAX_ACCOUNT_PAGES = 20;

/** The Graph calls of installing the app on Pages: OAuth exchanges, Page tokens, subscription, token checks. */
export class PageInstallApi {
  constructor(
    private readonly graph: GraphClient,
    private readonly app: MetaApp,
  ) {}

  /** `code` from the dialog → short-lived user token; `redirectUri` must be the dialog's, byte for byte. */
  async exchangeCode(code: string, redirectUri: string): Promise<UserAccessToken> {
    const query = { client_id: this.app.appId, redirect_uri: redirectUri, client_secret: this.app.appSecret, code };
    return userTokenSchema.parse(await this.graph.get('oauth/access_token', undefined, query));
  }

  /** Short-lived → long-lived (~60 days) user token; Page tokens derived from it do not expire (§6.2, §6.3). */
  async exchangeForLongLived(shortLivedToken: string): Promise<UserAccessToken> {
    const query = { grant_type: 'fb_exchange_token', client_id: this.app.appId, client_secret: this.app.appSecret, fb_exchange_token: shortLivedToken };
    return userTokenSchema.parse(await this.graph.get('oauth/access_token', undefined, query));
  }

  async managedPages(userToken: string): Promise<ManagedPage[]> {
    const pages: ManagedPage[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_ACCOUNT_PAGES; page++) {
      const query = { fields: 'id,name,access_token,tasks', limit: 100, after };
      const answer = accountsSchema.parse(await this.graph.get('me/accounts', userToken, query));
      pages.push(...answer.data);
      after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return pages;
  }

  async subscribeApp(pageId: string, pageToken: string, fields: readonly string[] = MESSENGER_SUBSCRIBED_FIELDS): Promise<void> {
    await this.graph.postForm(`${pageId}/subscribed_apps`, pageToken, { subscribed_fields: fields }, pageId);
  }

  async subscribedFields(pageId: string, pageToken: string): Promise<string[]> {
    const answer = subscribedAppsSchema.parse(await this.graph.get(`${pageId}/subscribed_apps`, pageToken, undefined, pageId));
    return answer.data.find((app) => app.id === this.app.appId)?.subscribed_fields ?? [];
  }

  /** Inspects a token with the app token `<app-id>|<app-secret>` (§6.5). */
  async debugToken(inputToken: string): Promise<TokenDebugInfo> {
    const answer = await this.graph.get('debug_token', `${this.app.appId}|${this.app.appSecret}`, { input_token: inputToken });
    return debugTokenSchema.parse(answer).data;
  }
}
