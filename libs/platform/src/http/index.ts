export * from './admin-token.guard.js';
export * from './api-docs.js';
