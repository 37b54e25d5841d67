export * from './graph-api.error.js';
export * from './graph-client.js';
