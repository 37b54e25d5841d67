export * from './admin-token.guard.js';
