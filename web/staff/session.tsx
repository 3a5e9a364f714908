import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { StaffBootstrap } from '../../contracts/session.ts';
import { setCsrfToken } from '../ui/api.ts';
import { setSignedOutHandler, staffApi } from './http.ts';
import { clearDirectoryCache } from './directory.ts';

type BootSession = NonNullable<StaffBootstrap['session']>;
/** A signed-in session (a session may also be half-way: password given, code still due). */
export type Session = Extract<BootSession, { stage: 'active' }>;

type SessionState =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'signed-out'; expired: boolean }
  /** The password was right; a code (or setting up two-step verification) must follow. */
  | { state: 'mfa'; enrolled: boolean }
  | { state: 'signed-in'; session: Session };

type SessionApi = {
  /** Re-reads the session from the server (after sign-in). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** Updates the workspace name in the shell after Settings are saved. */
  renameWorkspace: (name: string) => void;
};

const Ctx = createContext<(SessionApi & { current: SessionState }) | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<SessionState>({ state: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const boot = await staffApi<StaffBootstrap>('/bootstrap');
      const session = boot.session;
      setCsrfToken(session?.csrfToken ?? null);
      if (!session) setCurrent({ state: 'signed-out', expired: false });
      else if (session.stage === 'mfa') setCurrent({ state: 'mfa', enrolled: session.mfa.enrolled });
      else setCurrent({ state: 'signed-in', session });
    } catch (err) {
      setCurrent({ state: 'failed', message: err instanceof Error ? err.message : 'Cannot reach the server.' });
    }
  }, []);

  useEffect(() => {
    void refresh();
    setSignedOutHandler(() => {
      setCsrfToken(null);
      clearDirectoryCache();
      setCurrent((prev) =>
        prev.state === 'signed-in' || prev.state === 'mfa' ? { state: 'signed-out', expired: prev.state === 'signed-in' } : prev,
      );
    });
    return () => setSignedOutHandler(null);
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await staffApi('/auth/sign-out', { method: 'POST' });
    } catch {
      // Signed out already, or offline: the UI forgets the session either way.
    }
    setCsrfToken(null);
    clearDirectoryCache();
    setCurrent({ state: 'signed-out', expired: false });
  }, []);

  const renameWorkspace = useCallback((name: string) => {
    setCurrent((prev) =>
      prev.state === 'signed-in'
        ? { ...prev, session: { ...prev.session, workspace: { ...prev.session.workspace, name } } }
        : prev,
    );
  }, []);

  const value = useMemo(() => ({ current, refresh, signOut, renameWorkspace }), [current, refresh, signOut, renameWorkspace]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSessionState() {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useSessionState outside SessionProvider');
  return ctx;
}

/** The signed-in session; only for components rendered inside the signed-in app. */
export function useSession(): Session & SessionApi {
  const ctx = useSessionState();
  if (ctx.current.state !== 'signed-in') throw new Error('useSession while not signed in');
  return { ...ctx.current.session, refresh: ctx.refresh, signOut: ctx.signOut, renameWorkspace: ctx.renameWorkspace };
}
