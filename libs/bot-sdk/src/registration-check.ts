import { RpcError, type AppPage } from '@app/contracts';
import type { BotLogger } from './bot-options.js';

/** What the check concluded, for tests and callers; every outcome was logged already. */
export type RegistrationCheck = 'registered' | 'unregistered' | 'unsubscribed' | 'unknown';

/**
 * Asks the suite once which Pages the app is on, and says so loudly when that is none (or it is
 * unsubscribed from all of them): such a bot starts fine and then receives nothing, with nothing
 * to tell a typo in the app id from a quiet Page. Never throws: a bot may start before the suite
 * is up or before an operator registers it, so an unanswered question is only worth an info line.
 */
export async function checkRegistration(appId: string, ask: () => Promise<{ data: AppPage[] }>, logger: BotLogger): Promise<RegistrationCheck> {
  let pages: AppPage[];
  try {
    pages = (await ask()).data;
  } catch (error) {
    const reason = error instanceof RpcError ? `${error.code}: ${error.message}` : String(error);
    logger.info('could not ask the suite which Pages this app is registered on (is the suite running?); carrying on', { appId, reason });
    return 'unknown';
  }
  if (pages.length === 0) {
    logger.warn(
      `app "${appId}" is registered on no Page, so it receives nothing until an operator registers it on one ` +
        `(thread-ownership admin API: PUT /pages/:pageId with the app in "apps", or PUT /pages/:pageId/apps/${appId}). ` +
        'Check the app id for a typo.',
      { appId },
    );
    return 'unregistered';
  }
  const pageIds = pages.map((p) => p.page_id);
  if (!pages.some((p) => p.subscribed)) {
    logger.warn(
      `app "${appId}" is unsubscribed from every Page it is registered on (${pageIds.join(', ')}), so it receives nothing ` +
        `until an operator resubscribes it (thread-ownership admin API: POST /apps/${appId}/resubscribe).`,
      { appId, pages: pageIds },
    );
    return 'unsubscribed';
  }
  logger.info('registered on Pages', { appId, pages: pageIds, unsubscribedFrom: pages.filter((p) => !p.subscribed).map((p) => p.page_id) });
  return 'registered';
}
