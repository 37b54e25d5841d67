import { randomBytes } from 'node:crypto';

/** What a test (or the emulator itself) specifies for a Meta error; defaults follow Meta's habits. */
export interface GraphErrorSpec {
  /** HTTP status; default 400, or 500 when the error is transient. */
  status?: number;
  code: number;
  error_subcode?: number;
  /** Default: true for Meta's "try again" codes (1, 2, 1200), false otherwise. */
  is_transient?: boolean;
  message?: string;
  /** Default `OAuthException`, as Meta uses for nearly every Send API error. */
  type?: string;
  error_user_title?: string;
  error_user_msg?: string;
}

/** Meta's error envelope (messenger-platform.md §5.6). */
export interface GraphErrorEnvelope {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient: boolean;
    error_user_title?: string;
    error_user_msg?: string;
    fbtrace_id: string;
  };
}

/** Status and JSON body of one emulated Graph answer. */
export interface GraphResponse {
  status: number;
  body: unknown;
  /** Extra response headers (e.g. `X-Business-Use-Case-Usage`). */
  headers?: Record<string, string>;
}

const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 1200]);

/** Messages Meta uses for the codes tests inject most, so a bare `{ code }` still looks real. */
const DEFAULT_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['1', 'An unknown error has occurred.'],
  ['2', 'An unexpected error has occurred. Please retry your request later.'],
  ['4', '(#4) Application request limit reached'],
  ['10/2018300', '(#10) Message failed to send because another app is controlling this thread now.'],
  ['10/2018278', '(#10) This message is sent outside of allowed window.'],
  ['100/2534037', "(#100) The action is invalid since it's not the thread owner."],
  ['100/2018001', '(#100) No matching user found'],
  ['190', 'Invalid OAuth access token - Cannot parse access token'],
  ['200', '(#200) Requires pages_messaging permission to manage the object'],
  ['551', 'This person isn\'t available right now.'],
  ['613', '(#613) Calls to this api have exceeded the rate limit.'],
  ['1200', 'Temporary send message failure. Please try again later'],
]);

function defaultMessage(code: number, subcode?: number): string {
  const specific = subcode === undefined ? undefined : DEFAULT_MESSAGES.get(`${code}/${subcode}`);
  return specific ?? DEFAULT_MESSAGES.get(String(code)) ?? `(#${code}) Emulated Graph API error`;
}

/** Meta's trace ids are short opaque strings; tests only need them present and distinct. */
const newFbtraceId = (): string => randomBytes(9).toString('base64url');

export function isTransient(spec: GraphErrorSpec): boolean {
  return spec.is_transient ?? TRANSIENT_CODES.has(spec.code);
}

export function buildErrorEnvelope(spec: GraphErrorSpec): GraphErrorEnvelope {
  const error: GraphErrorEnvelope['error'] = {
    message: spec.message ?? defaultMessage(spec.code, spec.error_subcode),
    type: spec.type ?? 'OAuthException',
    code: spec.code,
    is_transient: isTransient(spec),
    fbtrace_id: newFbtraceId(),
  };
  // Meta leaves optional fields out rather than sending null, and recorded bodies should match the wire.
  if (spec.error_subcode !== undefined) error.error_subcode = spec.error_subcode;
  if (spec.error_user_title !== undefined) error.error_user_title = spec.error_user_title;
  if (spec.error_user_msg !== undefined) error.error_user_msg = spec.error_user_msg;
  return { error };
}

export function graphErrorResponse(spec: GraphErrorSpec): GraphResponse {
  const status = spec.status ?? (isTransient(spec) ? 500 : 400);
  return { status, body: buildErrorEnvelope(spec) };
}

/** Thrown by validators and edge handlers; the request pipeline turns it into Meta's envelope. */
export class GraphError extends Error {
  constructor(readonly spec: GraphErrorSpec) {
    super(spec.message ?? defaultMessage(spec.code, spec.error_subcode));
    this.name = 'GraphError';
  }

  toResponse(): GraphResponse {
    return graphErrorResponse({ ...this.spec, message: this.message });
  }
}
