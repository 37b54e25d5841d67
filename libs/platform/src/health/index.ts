export * from './health.module.js';
export * from './database.health.js';
