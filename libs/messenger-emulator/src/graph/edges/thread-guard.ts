import type { EmulatorState } from '../emulator-state.js';
import { anotherAppControlsThread, notThreadOwner } from '../graph-errors.js';

/** Another app owns the thread right now (idle threads are owned by nobody). */
function ownedByAnotherApp(state: EmulatorState, pageId: string, psid: string, appId: string): boolean {
  const owner = state.threads.owner(pageId, psid);
  return owner !== undefined && owner.appId !== appId;
}

/** Send API rule when ownership is enforced: only the owner, or anyone on an idle thread, may send. */
export function assertMaySend(state: EmulatorState, pageId: string, psid: string, appId: string): void {
  if (state.enforceThreadOwnership && ownedByAnotherApp(state, pageId, psid, appId)) throw anotherAppControlsThread();
}

/** pass / release rule when ownership is enforced: only the owner (or anyone while idle). */
export function assertMayHandOver(state: EmulatorState, pageId: string, psid: string, appId: string): void {
  if (state.enforceThreadOwnership && ownedByAnotherApp(state, pageId, psid, appId)) throw notThreadOwner();
}
