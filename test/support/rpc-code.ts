import { RpcError } from '@app/contracts';

/** The RpcError code a suite call ended with, or 'no error': for asserting refusals in one line. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof RpcError ? error.code : String(error);
  }
}
