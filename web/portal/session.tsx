/**
 * The portal's session: the workspace from the address, the signed-in contact (if any),
 * and a request helper that turns any 401 into "show the sign-in page".
 */
import { createContext, useContext, useEffect } from 'react';
import type { PortalBootstrap, PortalWorkspace } from '../../contracts/session.ts';
import { api } from '../ui/api.ts';

export type Contact = NonNullable<PortalBootstrap['session']>['contact'];

/** `/portal/{slug}`: every API path and the router's basename hang off it. */
export function portalBase(pathname = window.location.pathname): string {
  const slug = pathname.split('/')[2] ?? '';
  return `/portal/${slug}`;
}

export type RequestInit = { method?: string; body?: unknown };

export type PortalSession = {
  workspace: PortalWorkspace;
  contact: Contact | null;
  /** Calls `{base}/api{path}`; a 401 signs the contact out locally before rethrowing. */
  request: <T>(path: string, init?: RequestInit) => Promise<T>;
  signIn: (email: string, password: string) => Promise<void>;
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
export const fetchBootstrap = (base: string) => api<PortalBootstrap>(bootstrapUrl(base));
