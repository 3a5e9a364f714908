/**
 * The staff app's door to the API: `api()` plus one rule — a 401 `unauthenticated`
 * anywhere ends the session in the UI and shows the sign-in page.
 */
import { api, ApiError } from '../ui/api.ts';

export { ApiError } from '../ui/api.ts';

let onSignedOut: (() => void) | null = null;

/** The session provider registers what to do when the server says we are signed out. */
export function setSignedOutHandler(handler: (() => void) | null) {
  onSignedOut = handler;
}

export async function staffApi<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  try {
    return await api<T>(`/staff/api${path}`, init);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code === 'unauthenticated') onSignedOut?.();
    throw err;
  }
}

/** A message for any error, for places that show one line. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}
