export * from './data-source-options.js';
export * from './migration-runner.js';
