export * from './bot.js';
export * from './bot-event.js';
export * from './bot-options.js';
export * from './suite-client.js';
export { RpcError, ErrorCode, PAGE_INBOX_APP_ID } from '@app/contracts';
export type { BotEventDelivered, OutgoingMessage, SendResult } from '@app/contracts';
