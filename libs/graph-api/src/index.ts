export * from './graph-api.error.js';
export * from './graph-client.js';
export * from './retry-policy.js';
export * from './business-usage.js';
export * from './page-rate-limiter.js';
export { appSecretProof, type GraphParams, type GraphParamValue, type GraphRequest } from './graph-request.js';
export * from './page-install-api.js';
