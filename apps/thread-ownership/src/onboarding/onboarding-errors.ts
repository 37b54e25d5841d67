import { ErrorCode } from '@app/contracts';
import { GraphApiError } from '@app/graph-api';
import { DomainError } from '@app/platform';
import { ZodError } from 'zod';

/** Runs one Graph step of the install; its failure becomes a typed error that says which step failed. */
export async function installStep<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toInstallError(step, error);
  }
}

function toInstallError(step: string, error: unknown): unknown {
  if (error instanceof ZodError) return new DomainError(ErrorCode.GraphError, `unexpected answer from Meta while trying to ${step}`);
  if (!(error instanceof GraphApiError)) return error;
  const details = error.details;
  if (error.code === 100 && error.subcode !== undefined && error.subcode >= 36007 && error.subcode <= 36009) {
    return new DomainError(ErrorCode.InvalidPayload, 'the authorization code is invalid, expired or already used; start the install again', details);
  }
  if (error.code === 190) return new DomainError(ErrorCode.PermissionDenied, `Meta refused the login while trying to ${step}; log in again`, details);
  if (error.code === 200 || error.code === 10) {
    return new DomainError(ErrorCode.PermissionDenied, `a permission is missing to ${step}: ${error.message}`, details);
  }
  if (error.status === 0 || error.status >= 500) return new DomainError(ErrorCode.GraphUnavailable, `the Graph API is unavailable; could not ${step}`, details);
  return new DomainError(ErrorCode.GraphError, `Graph API error ${error.code} while trying to ${step}`, details);
}
