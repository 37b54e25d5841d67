export * from './smart-batcher.js';
