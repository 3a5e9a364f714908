import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { BrowserRouter, Route, Routes, useLocation } from 'react-router';
import type { PortalBootstrap } from '../../contracts/session.ts';
import { api, ApiError, setCsrfToken } from '../ui/api.ts';
import { requestHeadingFocus } from './focus.ts';
import { fetchBootstrap, portalBase, SessionContext, type PortalSession, type RequestInit } from './session.tsx';
import { Layout } from './components/Layout.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TicketListPage } from './pages/TicketListPage.tsx';
import { NewTicketPage } from './pages/NewTicketPage.tsx';
import { TicketPage } from './pages/TicketPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

type Boot = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: PortalBootstrap };

export function App() {
  const base = useMemo(() => portalBase(), []);
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const data = await fetchBootstrap(base);
    setCsrfToken(data.session?.csrfToken ?? null);
    setBoot({ status: 'ready', data });
    return data;
  }, [base]);

  useEffect(() => {
    load().catch((e: unknown) => {
      setBoot({ status: 'failed', message: e instanceof ApiError ? e.message : 'Something went wrong. Try again.' });
    });
  }, [load]);

  const endSession = useCallback((message: string) => {
    setCsrfToken(null);
    setNotice(message);
    setBoot((b) => (b.status === 'ready' ? { status: 'ready', data: { ...b.data, session: null } } : b));
    requestHeadingFocus();
  }, []);

  const request = useCallback(
    async <T,>(path: string, init?: RequestInit): Promise<T> => {
      try {
        return await api<T>(`${base}/api${path}`, init);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401 && e.code === 'unauthenticated') {
          endSession('Your session has ended. Sign in again to continue.');
        }
        throw e;
      }
    },
    [base, endSession],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      await api(`${base}/api/auth/sign-in`, { method: 'POST', body: { email, password } });
      const data = await load();
      if (!data.session) throw new ApiError(401, 'unauthenticated', 'Signing in did not work. Try again.');
      setNotice(null);
      requestHeadingFocus();
    },
    [base, load],
  );

  const signOut = useCallback(async () => {
    try {
      await api(`${base}/api/auth/sign-out`, { method: 'POST' });
    } catch (e) {
      // Already signed out on the server is fine; anything else the user should know about.
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    endSession('You have signed out.');
  }, [base, endSession]);

  const session = useMemo<PortalSession | null>(
    () =>
      boot.status === 'ready'
        ? { workspace: boot.data.workspace, contact: boot.data.session?.contact ?? null, request, signIn, signOut, notice }
        : null,
    [boot, request, signIn, signOut, notice],
  );

  if (boot.status === 'loading') {
    return (
      <main className="boot-screen" aria-busy="true">
        <p role="status" className="muted">
          Loading…
        </p>
      </main>
    );
  }
  if (boot.status === 'failed' || !session) {
    return (
      <main className="boot-screen">
        <div className="card boot-card">
          <h1>The support portal could not load</h1>
          <p className="muted">{boot.status === 'failed' ? boot.message : ''}</p>
          <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <BrowserRouter basename={base}>
        {session.contact ? (
          <>
            <RouteChangeFocus />
            <Routes>
              <Route element={<Layout />}>
                <Route index element={<TicketListPage />} />
                <Route path="tickets/new" element={<NewTicketPage />} />
                <Route path="tickets/:number" element={<TicketPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </>
        ) : (
          <SignInPage />
        )}
      </BrowserRouter>
    </SessionContext.Provider>
  );
}

/** On every change of page (not of query string), scroll to the top and focus the new <h1>. */
function RouteChangeFocus() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useLayoutEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    window.scrollTo(0, 0);
    requestHeadingFocus();
  }, [pathname]);
  return null;
}
