export * from './token-cipher.js';
export * from './token-cipher.provider.js';
export * from './reseal.js';
export * from './reseal-on-boot.js';
