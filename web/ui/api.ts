/**
 * Fetch wrapper shared by both apps: JSON in and out, the CSRF token on every change,
 * and errors as `ApiError` with the server's stable code and field messages.
 */
import type { ErrorCode, FieldIssue } from '../../server/platform/errors.ts';

/**
 * The server's codes, plus the ones the browser raises itself: `network_error` (no answer),
 * `upload_incomplete` (a message was about to be sent while one of its files had not uploaded).
 */
export type ClientErrorCode = ErrorCode | 'network_error' | 'upload_incomplete';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly fields: FieldIssue[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  /** The code as a plain string, for codes a newer server may send. */
  is(code: string): boolean {
    return this.code === code;
  }
  /** The message for one field, if the server named it. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};
/** The session's CSRF token, for requests made without `api()` (file uploads). */
export const getCsrfToken = () => csrfToken;

type ErrorPayload = { error?: { code: ErrorCode; message: string; fields?: FieldIssue[]; details?: Record<string, unknown> } };

/** The `ApiError` for a failed response and its parsed JSON body (if any). */
export function errorFromResponse(status: number, data: unknown): ApiError {
  const e = (data as ErrorPayload | undefined)?.error;
  return new ApiError(status, e?.code ?? 'internal', e?.message ?? 'Something went wrong. Try again.', e?.fields, e?.details);
}

export type ApiInit = {
  method?: string;
  body?: unknown;
  /** Extra request headers, e.g. `Idempotency-Key`. */
  headers?: Record<string, string>;
};

export async function api<T>(url: string, init: ApiInit = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { ...init.headers, accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) throw errorFromResponse(res.status, data);
  return data as T;
}
