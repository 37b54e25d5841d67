export * from './domain-error.js';
export * from './zod-payload.pipe.js';
export * from './error.filter.js';
