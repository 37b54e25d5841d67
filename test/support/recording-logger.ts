import type { BotLogger } from '@app/bot-sdk';

export type LoggedLine = { level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

/** The bot SDK's `logger` option, remembering every line for the test to look at. */
export function recordingLogger(): { logger: BotLogger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const logger: BotLogger = {
    info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => void lines.push({ level: 'error', message, fields }),
  };
  return { logger, lines };
}
