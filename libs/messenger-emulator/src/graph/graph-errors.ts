import { GraphError } from './graph-error.js';

/*
 * The errors the emulator raises by itself. Messages copy Meta's wording where it is known, so
 * client code that logs or matches them behaves as it will in production.
 */

export const accessTokenRequired = (): GraphError =>
  new GraphError({ code: 190, message: 'An access token is required to request this resource.' });

export const invalidAccessToken = (): GraphError =>
  new GraphError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });

export const appsecretProofRequired = (): GraphError =>
  new GraphError({
    code: 100,
    type: 'GraphMethodException',
    message: 'API calls from the server require an appsecret_proof argument',
  });

export const appsecretProofInvalid = (): GraphError =>
  new GraphError({
    code: 100,
    type: 'GraphMethodException',
    message: 'Invalid appsecret_proof provided in the API argument',
  });

export const invalidParameter = (detail: string): GraphError =>
  new GraphError({ code: 100, message: `(#100) ${detail}` });

/** What Meta answers when the token cannot reach the object (wrong Page, unknown edge). */
export const unsupportedRequest = (method: string, objectId: string): GraphError =>
  new GraphError({
    code: 100,
    error_subcode: 33,
    type: 'GraphMethodException',
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, ` +
      'cannot be loaded due to missing permissions, or does not support this operation.',
  });

export const unknownPathComponents = (components: string): GraphError =>
  new GraphError({ code: 2500, message: `Unknown path components: ${components}` });

export const notThreadOwner = (): GraphError => new GraphError({ code: 100, error_subcode: 2534037 });

export const anotherAppControlsThread = (): GraphError => new GraphError({ code: 10, error_subcode: 2018300 });

/** Meta's exact code for a spent/unknown OTN token is unconfirmed (§8.1); 100 is the documented family. */
export const invalidOneTimeNotifToken = (reason: string): GraphError =>
  new GraphError({
    code: 100,
    is_transient: false,
    message: `(#100) The one_time_notif_token is invalid or has already been used (${reason})`,
  });
