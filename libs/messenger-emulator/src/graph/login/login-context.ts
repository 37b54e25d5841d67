import type { EmulatorState } from '../emulator-state.js';
import type { GraphResponse } from '../graph-error.js';
import type { GraphParams } from '../graph-request.js';

/** What an account-level endpoint (no Page in the path) gets; it authenticates the caller itself. */
export interface LoginContext {
  state: EmulatorState;
  params: GraphParams;
  authorization?: string;
}

export type LoginHandler = (context: LoginContext) => GraphResponse;
