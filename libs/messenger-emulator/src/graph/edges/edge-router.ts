import type { EdgeHandler } from './edge-context.js';
import { handleSendApi } from './send-api.edge.js';
import { handleListSubscribedApps, handleSubscribeApp, handleUnsubscribeApp } from './subscribed-apps.edge.js';
import {
  handlePassThreadControl,
  handleReleaseThreadControl,
  handleRequestThreadControl,
  handleTakeThreadControl,
  handleThreadOwner,
} from './thread-control.edge.js';

/** The Graph edges the emulator implements, keyed by `METHOD edge`. */
const EDGES: ReadonlyMap<string, EdgeHandler> = new Map([
  ['POST messages', handleSendApi],
  ['POST pass_thread_control', handlePassThreadControl],
  ['POST take_thread_control', handleTakeThreadControl],
  ['POST request_thread_control', handleRequestThreadControl],
  ['POST release_thread_control', handleReleaseThreadControl],
  ['GET thread_owner', handleThreadOwner],
  ['POST subscribed_apps', handleSubscribeApp],
  ['GET subscribed_apps', handleListSubscribedApps],
  ['DELETE subscribed_apps', handleUnsubscribeApp],
]);

export function findEdgeHandler(method: string, edge: string): EdgeHandler | undefined {
  return EDGES.get(`${method.toUpperCase()} ${edge}`);
}
