import type { GraphErrorSpec } from './graph-error.js';

/** Which calls a fault applies to; every given field must match, an empty match hits any call. */
export interface FaultMatch {
  method?: string;
  pathIncludes?: string;
  edge?: string;
  pageId?: string;
}

export interface PendingFault {
  match: FaultMatch;
  error: GraphErrorSpec;
  /** Calls it will still fail; Infinity for "until cleared". */
  remaining: number;
}

/** The facts about an incoming call that a fault can match on. */
export interface FaultProbe {
  method: string;
  path: string;
  edge: string | null;
  pageId: string | null;
}

function matchesFault(match: FaultMatch, probe: FaultProbe): boolean {
  return (
    (match.method === undefined || match.method.toUpperCase() === probe.method) &&
    (match.pathIncludes === undefined || probe.path.includes(match.pathIncludes)) &&
    (match.edge === undefined || match.edge === probe.edge) &&
    (match.pageId === undefined || match.pageId === probe.pageId)
  );
}

/** Queue of injected Meta errors, consumed first-in first-out among the faults that match. */
export class FaultInjector {
  private faults: PendingFault[] = [];

  add(match: FaultMatch, error: GraphErrorSpec, times = 1): void {
    const valid = times === Infinity || (Number.isInteger(times) && times > 0);
    if (!valid) throw new RangeError(`failNext: times must be a positive integer or Infinity, got ${times}`);
    this.faults.push({ match: { ...match }, error: { ...error }, remaining: times });
  }

  /** The error to answer this call with, if a fault matches; uses up one of its `times`. */
  take(probe: FaultProbe): GraphErrorSpec | undefined {
    const fault = this.faults.find((candidate) => matchesFault(candidate.match, probe));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault.error;
  }

  pending(): PendingFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }
}
