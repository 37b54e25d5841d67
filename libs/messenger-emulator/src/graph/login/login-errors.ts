import { GraphError } from '../graph-error.js';

/* Meta's answers to bad OAuth requests; is_transient is explicit because code 1 defaults to transient. */

export const invalidAppId = (): GraphError =>
  new GraphError({ code: 101, is_transient: false, message: 'Error validating application. Invalid application ID.' });

export const invalidClientSecret = (): GraphError =>
  new GraphError({ code: 1, is_transient: false, message: 'Error validating client secret.' });

export const invalidCode = (): GraphError =>
  new GraphError({ code: 100, error_subcode: 36007, message: 'Invalid verification code format.' });

export const codeAlreadyUsed = (): GraphError =>
  new GraphError({ code: 100, error_subcode: 36009, message: 'This authorization code has been used.' });

export const redirectUriMismatch = (): GraphError =>
  new GraphError({
    code: 100,
    error_subcode: 36008,
    message: 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
  });

export const sessionInvalidated = (): GraphError =>
  new GraphError({ code: 190, error_subcode: 460, message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.' });

export const missingPermission = (permission: string): GraphError =>
  new GraphError({ code: 200, message: `(#200) Requires ${permission} permission to manage the object` });
