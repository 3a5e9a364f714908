/**
 * The staff app's door to the API: `api()` plus one rule — a 401 `unauthenticated`
 * anywhere ends the session in the UI and shows the sign-in page.
 */
import { api, ApiError, type ApiInit } from '../ui/api.ts';

export { ApiError } from '../ui/api.ts';

let onSignedOut: (() => void) | null = null;

/** The session provider registers what to do when the server says we are signed out. */
export function setSignedOutHandler(handler: (() => void) | null) {
  onSignedOut = handler;
}

/** The server said we are signed out (also reported by file uploads, which bypass staffApi). */
export const signedOut = () => onSignedOut?.();

export async function staffApi<T>(path: string, init: ApiInit = {}): Promise<T> {
  try {
    return await api<T>(`/staff/api${path}`, init);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code === 'unauthenticated') signedOut();
    throw err;
  }
}

/** A message for any error, for places that show one line. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}
