export * from './data-source-options.js';
export * from './migration-runner.js';
export * from './prepared-statement.js';
export * from './database.module.js';
export * from './leader-lease.js';
