import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate, useSearchParams, type NavigateFunction } from 'react-router';
import type { SignInResult } from '../../contracts/auth.ts';
import { api, ApiError, setCsrfToken } from '../ui/api.ts';
import { requestHeadingFocus } from './focus.ts';
import {
  fetchBootstrap,
  portalBase,
  routerPath,
  SessionContext,
  type FlashState,
  type PortalBoot,
  type PortalSession,
  type RequestInit,
} from './session.tsx';
import { Layout } from './components/Layout.tsx';
import { LiveProvider } from './live.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TicketListPage } from './pages/TicketListPage.tsx';
import { NewTicketPage } from './pages/NewTicketPage.tsx';
import { TicketPage } from './pages/TicketPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { RegisterPage } from './pages/RegisterPage.tsx';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage.tsx';
import { ResetPasswordPage } from './pages/ResetPasswordPage.tsx';
import { VerifyEmailPage } from './pages/VerifyEmailPage.tsx';
import { MagicLinkPage } from './pages/MagicLinkPage.tsx';
import { WelcomePage } from './pages/WelcomePage.tsx';
import { MfaStepPage } from './pages/MfaStepPage.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { TeamPage } from './pages/TeamPage.tsx';
import { PublicLayout } from './components/PublicLayout.tsx';
import { KbHomePage } from './pages/KbHomePage.tsx';
import { KbCategoryPage } from './pages/KbCategoryPage.tsx';
import { KbArticlePage } from './pages/KbArticlePage.tsx';
import { KbSearchPage } from './pages/KbSearchPage.tsx';
import { BrandStyles } from './branding.tsx';

type Boot = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: PortalBoot };

export function App() {
  const base = useMemo(() => portalBase(), []);
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);
  // The router's navigate, for session changes that end somewhere else (set by <RouterBridge>).
  const navigateRef = useRef<NavigateFunction | null>(null);

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

  /**
   * The live connection was closed as "signed out": check with the server. Ended, it is the
   * usual "session ended"; still valid (the cookie changed, say), open a new connection.
   */
  const [liveGeneration, setLiveGeneration] = useState(0);
  const lastLiveRestart = useRef(0);
  const liveSignedOut = useCallback(async () => {
    let data: PortalBoot | null = null;
    try {
      data = await fetchBootstrap(base);
    } catch {
      data = null;
    }
    if (data?.session?.stage !== 'active') {
      endSession('Your session has ended. Sign in again to continue.');
      return;
    }
    setCsrfToken(data.session.csrfToken);
    setBoot({ status: 'ready', data });
    // Refused again right away: try again later rather than in a loop.
    const wait = Date.now() - lastLiveRestart.current < 60_000 ? 60_000 : 0;
    lastLiveRestart.current = Date.now() + wait;
    setTimeout(() => setLiveGeneration((g) => g + 1), wait);
  }, [base, endSession]);

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

  const finishSignIn = useCallback(
    async (result: SignInResult, opts: { flash?: string; stay?: boolean } = {}) => {
      const data = await load();
      if (!data.session) throw new ApiError(401, 'unauthenticated', 'Signing in did not work. Try again.');
      setNotice(null);
      requestHeadingFocus();
      if (opts.stay) return;
      const target = routerPath(base, result.next);
      if (target === null) {
        window.location.assign(result.next); // same origin, checked by the server
        return;
      }
      const state: FlashState | undefined = opts.flash ? { flash: opts.flash } : undefined;
      navigateRef.current?.(target, { replace: true, state });
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

  const session = useMemo<PortalSession | null>(() => {
    if (boot.status !== 'ready') return null;
    const { workspace, session: s } = boot.data;
    return {
      workspace,
      signInMethods: workspace.signIn,
      contact: s && s.stage !== 'mfa' ? s.contact : null,
      mfa: s && s.stage === 'mfa' ? s.mfa : null,
      base,
      request,
      reload: load,
      finishSignIn,
      signOut,
      notice,
    };
  }, [boot, base, request, load, finishSignIn, signOut, notice]);

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

  const signedIn = session.contact !== null;
  // The help center: in the signed-in frame, or (public articles) in the public one.
  const kbRoutes = (
    <>
      <Route path="kb" element={<KbHomePage />} />
      <Route path="kb/search" element={<KbSearchPage />} />
      <Route path="kb/c/:slug" element={<KbCategoryPage />} />
      <Route path="kb/:slug" element={<KbArticlePage />} />
    </>
  );
  const active = boot.data.session?.stage === 'active' ? boot.data.session : null;
  const liveKey = active ? `${active.contact.id}:${active.csrfToken}:${liveGeneration}` : null;
  return (
    <SessionContext.Provider value={session}>
      <LiveProvider base={base} sessionKey={liveKey} onSignedOut={liveSignedOut}>
        <BrowserRouter basename={base}>
          <RouterBridge navigateRef={navigateRef} />
          <RouteChangeFocus />
          <BrandStyles branding={session.workspace.branding} mfa={session.mfa !== null} />
          {signedIn && <FollowNext base={base} />}
          {session.mfa ? (
            // The second step comes before any page; afterwards the page at this address shows.
            <MfaStepPage />
          ) : (
            <Routes>
              {/* Pages of the sign-in flows: no signed-in frame. */}
              <Route path="register" element={signedIn ? <Navigate to="/" replace /> : <RegisterPage />} />
              <Route path="forgot-password" element={signedIn ? <Navigate to="/" replace /> : <ForgotPasswordPage />} />
              <Route path="reset/:token" element={<ResetPasswordPage />} />
              <Route path="verify/:token" element={<VerifyEmailPage />} />
              <Route path="magic/:token" element={<MagicLinkPage />} />
              <Route path="welcome/:token" element={<WelcomePage />} />
              {signedIn ? (
                <Route element={<Layout />}>
                  <Route index element={<TicketListPage />} />
                  <Route path="tickets/new" element={<NewTicketPage />} />
                  <Route path="tickets/:number" element={<TicketPage />} />
                  <Route path="account" element={<AccountPage />} />
                  <Route path="team" element={<TeamPage />} />
                  {kbRoutes}
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              ) : (
                <>
                  <Route element={<PublicLayout />}>{kbRoutes}</Route>
                  <Route path="*" element={<SignInPage />} />
                </>
              )}
            </Routes>
          )}
        </BrowserRouter>
      </LiveProvider>
    </SessionContext.Provider>
  );
}

/** Hands the router's navigate to the session code that lives outside the router. */
function RouterBridge({ navigateRef }: { navigateRef: { current: NavigateFunction | null } }) {
  const navigate = useNavigate();
  useLayoutEffect(() => {
    navigateRef.current = navigate;
  }, [navigate, navigateRef]);
  return null;
}

/**
 * Signed in already and sent to `?next=` (say from an email): go there, if it is a page of
 * this portal. (Signed out, the sign-in page passes it to the server instead.)
 */
function FollowNext({ base }: { base: string }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  useEffect(() => {
    if (!next) return;
    const target = routerPath(base, next);
    navigate(target && target.startsWith('/') && !target.startsWith('//') ? target : '/', { replace: true });
  }, [base, next, navigate]);
  return null;
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
