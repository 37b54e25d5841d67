import { Injectable } from '@nestjs/common';
import { GetMessagingWindow, type MessagingWindow } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { ConsoleSettings } from '../config/console-settings.js';

/** The 24-hour window, from its one owner (notifications, internal RPC `window.status`). */
@Injectable()
export class MessagingWindowClient {
  constructor(
    private readonly rpc: RpcClient,
    private readonly settings: ConsoleSettings,
  ) {}

  /** undefined when notifications cannot answer now: the console shows "unknown", never a guess. */
  async status(pageId: string, psid: string): Promise<MessagingWindow | undefined> {
    return this.rpc.call(GetMessagingWindow, { pageId, psid }, { timeoutMs: Math.min(this.settings.upstreamTimeoutMs, 2000) }).catch(() => undefined);
  }
}
