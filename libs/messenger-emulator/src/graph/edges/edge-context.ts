import type { Caller } from '../access-control.js';
import type { EmulatorState } from '../emulator-state.js';
import type { GraphResponse } from '../graph-error.js';
import type { GraphParams } from '../graph-request.js';

/** What an emulated Graph edge gets: the authenticated caller and the merged parameters. */
export interface EdgeContext {
  state: EmulatorState;
  caller: Caller;
  params: GraphParams;
}

/** Answers a request or throws a GraphError. */
export type EdgeHandler = (context: EdgeContext) => GraphResponse;
