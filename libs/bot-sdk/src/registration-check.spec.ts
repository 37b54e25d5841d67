import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError, type AppPage } from '@app/contracts';
import { checkRegistration } from './registration-check.js';
import { recordingLogger } from '../../../test/support/recording-logger.js';


const page = (pageId: string, subscribed = true): AppPage => ({ page_id: pageId, name: null, role: 'bot', can_take: false, subscribed, is_default_owner: false });
const answer = (data: AppPage[]) => async () => ({ data });

describe('checkRegistration', () => {
  it('warns once, naming the app and how to register it, when the app is on no Page', async () => {
    const { logger, lines } = recordingLogger();
    await expect(checkRegistration('ghost-bot', answer([]), logger)).resolves.toBe('unregistered');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { appId: 'ghost-bot' } });
    expect(lines[0]!.message).toMatch(/"ghost-bot" is registered on no Page/);
    expect(lines[0]!.message).toContain('PUT /pages/:pageId');
    expect(lines[0]!.message).toContain('PUT /pages/:pageId/apps/ghost-bot');
  });

  it('warns when the app is unsubscribed from every Page it is on', async () => {
    const { logger, lines } = recordingLogger();
    await expect(checkRegistration('tired-bot', answer([page('1001', false), page('1002', false)]), logger)).resolves.toBe('unsubscribed');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', fields: { appId: 'tired-bot', pages: ['1001', '1002'] } })]);
    expect(lines[0]!.message).toContain('POST /apps/tired-bot/resubscribe');
  });

  it('only informs when the app receives from at least one Page', async () => {
    const { logger, lines } = recordingLogger();
    await expect(checkRegistration('shop-bot', answer([page('1001'), page('1002', false)]), logger)).resolves.toBe('registered');
    expect(lines).toEqual([{ level: 'info', message: 'registered on Pages', fields: { appId: 'shop-bot', pages: ['1001', '1002'], unsubscribedFrom: ['1002'] } }]);
  });

  it('never throws when the suite does not answer: one info line, no warning', async () => {
    for (const failure of [new RpcError(ErrorCode.Unavailable, 'the suite does not answer app.pages'), new RpcError(ErrorCode.Timeout, 'late'), new Error('connection closed')]) {
      const { logger, lines } = recordingLogger();
      await expect(
        checkRegistration('early-bot', async () => {
          throw failure;
        }, logger),
      ).resolves.toBe('unknown');
      expect(lines.map((l) => l.level)).toEqual(['info']);
    }
  });
});
