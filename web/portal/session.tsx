/**
 * The portal's session: the workspace from the address, the signed-in contact (if any), the
 * second-step state, and a request helper that turns any 401 into "show the sign-in page".
 */
import { createContext, useContext, useEffect } from 'react';
import type { PortalBootstrap, PortalWorkspace } from '../../contracts/session.ts';
import type { SignInMethods, SignInResult } from '../../contracts/auth.ts';
import { api, type ApiInit } from '../ui/api.ts';

export type PortalBoot = PortalBootstrap;
type ActiveSession = Extract<NonNullable<PortalBootstrap['session']>, { stage: 'active' }>;
export type Contact = ActiveSession['contact'];

/**
 * `/portal/{slug}` (or '' on a client's own domain, as the page's `portal-base` says): every
 * API path and the router's basename hang off it.
 */
export function portalBase(pathname = window.location.pathname): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="portal-base"]');
  if (meta) return meta.content;
  const slug = pathname.split('/')[2] ?? '';
  return `/portal/${slug}`;
}

export type RequestInit = ApiInit;

/** A one-off message shown at the top of the next page (kept in the history entry's state). */
export type FlashState = { flash?: string };

export type PortalSession = {
  workspace: PortalWorkspace;
  signInMethods: SignInMethods;
  contact: Contact | null;
  /** Set while the person still owes a second step (stage 'mfa'). */
  mfa: { enrolled: boolean } | null;
  /** `/portal/{slug}` */
  base: string;
  /** Calls `{base}/api{path}`; a 401 signs the contact out locally before rethrowing. */
  request: <T>(path: string, init?: RequestInit) => Promise<T>;
  /** Re-reads the bootstrap (after any change of session). */
  reload: () => Promise<PortalBoot>;
  /**
   * After any successful sign-in step: re-read the session, then go to `result.next` (or stay,
   * with `stay`), showing `flash` on arrival.
   */
  finishSignIn: (result: SignInResult, opts?: { flash?: string; stay?: boolean }) => Promise<void>;
  signOut: () => Promise<void>;
  /** A one-off message for the sign-in page ("You have signed out."). */
  notice: string | null;
};

export const SessionContext = createContext<PortalSession | null>(null);

export function useSession(): PortalSession {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionContext');
  return value;
}

/** The signed-in contact; only for pages behind the sign-in. */
export function useContact(): Contact {
  const { contact } = useSession();
  if (!contact) throw new Error('useContact without a session');
  return contact;
}

/** Sets `document.title` to "{page} · {workspace name}". */
export function usePageTitle(page: string) {
  const { workspace } = useSession();
  useEffect(() => {
    document.title = `${page} · ${workspace.name}`;
  }, [page, workspace.name]);
}

export const bootstrapUrl = (base: string) => `${base}/api/bootstrap`;
export const fetchBootstrap = (base: string) => api<PortalBoot>(bootstrapUrl(base));

/**
 * A path from the server (`/portal/acme/tickets/5`) as a path inside the router's basename
 * (`/tickets/5`); null when it points elsewhere on the site.
 */
export function routerPath(base: string, path: string | undefined | null): string | null {
  if (!path) return '/';
  if (path === base) return '/';
  if (path.startsWith(`${base}/`) || path.startsWith(`${base}?`)) return path.slice(base.length) || '/';
  return null;
}

/**
 * Runs a one-time POST once per key, even when React mounts a page twice (StrictMode) or the
 * page re-renders: redeeming a link twice would fail the second time.
 */
const onceResults = new Map<string, Promise<unknown>>();
export function once<T>(key: string, run: () => Promise<T>): Promise<T> {
  let p = onceResults.get(key) as Promise<T> | undefined;
  if (!p) {
    p = run();
    onceResults.set(key, p);
  }
  return p;
}
