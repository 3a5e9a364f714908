import { lazy, Suspense, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { useSessionState } from './session.tsx';
import { Shell } from './Shell.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import { QueuePage } from './pages/Queue.tsx';
import { TicketPage } from './pages/Ticket.tsx';
import { ClientsPage } from './pages/Clients.tsx';
import { ClientDetailPage } from './pages/ClientDetail.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { NotFoundPage } from './pages/NotFound.tsx';
import { MailboxPage, MailDetailRoute } from './pages/Mailbox.tsx';
import { AccountPage } from './pages/Account.tsx';
import { MfaPage } from './pages/Mfa.tsx';
import { usePageTitle } from './hooks.ts';
import { LiveProvider } from './live.tsx';
import { ChatsPage } from './pages/Chats.tsx';
import { KbArticlesPage } from './pages/kb/Articles.tsx';
import { KbCategoriesPage } from './pages/kb/Categories.tsx';
import { KbStatsPage } from './pages/kb/Stats.tsx';
import { KbEditorRoute } from './pages/kb/Editor.tsx';
import { Loading } from './components.tsx';

// Admin-only pages: loaded when an admin opens them, not with every page.
const BrandingPage = lazy(() => import('./pages/settings/Branding.tsx').then((m) => ({ default: m.BrandingPage })));
const DomainsPage = lazy(() => import('./pages/settings/Domains.tsx').then((m) => ({ default: m.DomainsPage })));

function Later({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="page">
          <Loading what="page" />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export function App() {
  const { current, refresh } = useSessionState();
  switch (current.state) {
    case 'loading':
      return <Starting />;
    case 'failed':
      return <StartFailed message={current.message} retry={refresh} />;
    case 'signed-out':
      // Any address shows sign-in in place, so a deep link still works afterwards.
      return <SignInPage expired={current.expired} />;
    case 'mfa':
      // Same: the code (or set-up) in place, then the page that was asked for.
      return <MfaPage enrolled={current.enrolled} />;
    case 'signed-in':
      // One live connection per signed-in session: it closes when the session ends.
      return (
        <LiveProvider>
          <Shell>
            <Routes>
              <Route index element={<QueuePage />} />
              <Route path="tickets/:number" element={<TicketPage />} />
              <Route path="chats" element={<ChatsPage />} />
              <Route path="chats/:id" element={<ChatsPage />} />
              <Route path="clients" element={<ClientsPage />} />
              <Route path="clients/:id" element={<ClientDetailPage />} />
              <Route path="kb" element={<KbArticlesPage />} />
              <Route path="kb/categories" element={<KbCategoriesPage />} />
              <Route path="kb/stats" element={<KbStatsPage />} />
              <Route path="kb/new" element={<KbEditorRoute />} />
              <Route path="kb/:id" element={<KbEditorRoute />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route
                path="settings/branding"
                element={
                  <Later>
                    <BrandingPage />
                  </Later>
                }
              />
              <Route
                path="settings/domains"
                element={
                  <Later>
                    <DomainsPage />
                  </Later>
                }
              />
              <Route path="mailbox" element={<MailboxPage />} />
              <Route path="mailbox/:id" element={<MailDetailRoute />} />
              <Route path="account" element={<AccountPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Shell>
        </LiveProvider>
      );
  }
}

function Starting() {
  usePageTitle('Loading');
  return (
    <main className="center-screen">
      <p role="status" className="loading">
        Loading…
      </p>
    </main>
  );
}

function StartFailed({ message, retry }: { message: string; retry: () => Promise<void> }) {
  usePageTitle('Cannot load');
  return (
    <main className="center-screen">
      <div className="card center-card">
        <h1>The staff app cannot load</h1>
        <p className="muted">{message}</p>
        <button type="button" className="btn btn-primary" onClick={() => void retry()}>
          Try again
        </button>
      </div>
    </main>
  );
}
