export * from './create-http-app.js';
