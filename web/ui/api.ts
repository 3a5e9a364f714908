/**
 * Fetch wrapper shared by both apps: JSON in and out, the CSRF token on every change,
 * and errors as `ApiError` with the server's stable code and field messages.
 */
import type { ErrorCode, FieldIssue } from '../../server/platform/errors.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    readonly fields: FieldIssue[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
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

export async function api<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
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
  if (!res.ok) {
    const e = (data as { error?: { code: ErrorCode; message: string; fields?: FieldIssue[]; details?: Record<string, unknown> } })?.error;
    throw new ApiError(res.status, e?.code ?? 'internal', e?.message ?? 'Something went wrong. Try again.', e?.fields, e?.details);
  }
  return data as T;
}
