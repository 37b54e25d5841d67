export * from './clock.js';
export * from './periodic-task.js';
export * from './retry-briefly.js';
export * from './retry-until-stopped.js';
