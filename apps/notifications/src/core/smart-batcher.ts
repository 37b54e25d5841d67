// Moved to @app/platform (thread-ownership batches its routing writes with it too).
export { SmartBatcher } from '@app/platform';
