/** Graph parameters from the query string and the body, merged (Meta accepts either place). */
export type GraphParams = Record<string, unknown>;

/** A path of the form `/[vX.Y/]<page-id|me>/<edge>`. */
export interface EdgeTarget {
  kind: 'edge';
  version: string | null;
  pageRef: string;
  edge: string;
}

/** Any other path: Meta answers it with "Unknown path components". */
export interface UnknownTarget {
  kind: 'unknown';
  version: string | null;
  components: string;
}

const VERSION_SEGMENT = /^v\d+\.\d+$/;

/** Object-valued Send API / handover params arrive as JSON strings in form posts and query strings. */
const JSON_VALUED_PARAMS = ['recipient', 'message', 'thread_control'] as const;

export function pathOf(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

export function parseGraphPath(path: string): EdgeTarget | UnknownTarget {
  const segments = path.split('/').filter((segment) => segment.length > 0).map(decodeURIComponent);
  // Meta serves unversioned paths too (with the app's default version), so the version is optional.
  const version = segments[0] !== undefined && VERSION_SEGMENT.test(segments[0]) ? segments[0] : null;
  const rest = version === null ? segments : segments.slice(1);
  const [pageRef, edge] = rest;
  if (rest.length === 2 && pageRef !== undefined && edge !== undefined) return { kind: 'edge', version, pageRef, edge };
  return { kind: 'unknown', version, components: `/${rest.join('/')}` };
}

function asRecord(value: unknown): Record<string, unknown> {
  const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value);
  return isRecord ? { ...(value as Record<string, unknown>) } : {};
}

function decodeJsonParam(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    // Left as a string: the validator then reports the parameter as malformed, as Meta would.
    return value;
  }
}

/** Body fields win over query fields of the same name. */
export function collectParams(query: unknown, body: unknown): GraphParams {
  const params: GraphParams = { ...asRecord(query), ...asRecord(body) };
  for (const name of JSON_VALUED_PARAMS) {
    const value = params[name];
    if (typeof value === 'string') params[name] = decodeJsonParam(value);
  }
  return params;
}

export function stringParam(params: GraphParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
