export * from './metrics.module.js';
export * from './metric.js';
