export * from './validate-env.js';
