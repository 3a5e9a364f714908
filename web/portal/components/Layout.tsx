import { useEffect, useId, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../ui/api.ts';
import { ChatWidget, SHEET_QUERY, useMediaQuery } from '../chat/ChatWidget.tsx';
import { ReconnectingIndicator } from '../live.tsx';
import { useContact, useSession, type FlashState } from '../session.tsx';
import { ErrorAlert } from './forms.tsx';
import { BrandMark } from '../branding.tsx';

/**
 * The signed-in frame: skip link, header with navigation and account, main landmark, the
 * live connection's "Reconnecting…" hint and the chat launcher (whose panel, on phones, is a
 * sheet over the page: the page is inert meanwhile).
 */
export function Layout() {
  const { workspace, signOut } = useSession();
  const contact = useContact();
  const navigate = useNavigate();
  const { pathname, state } = useLocation();
  const flash = (state as FlashState | null)?.flash;
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const menuId = useId();
  const [chatOpen, setChatOpen] = useState(false);
  const sheet = useMediaQuery(SHEET_QUERY);
  const behindSheet = chatOpen && sheet;

  // A new page closes the phone menu.
  useEffect(() => setMenuOpen(false), [pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenuOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const onSignOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
      navigate('/', { replace: true });
    } catch (e) {
      setSignOutError(e instanceof ApiError ? e.message : 'Signing out did not work. Try again.');
      setSigningOut(false);
    }
  };

  return (
    <>
      <a className="skip-link" href="#main" inert={behindSheet}>
        Skip to main content
      </a>
      <header className="site-header" inert={behindSheet}>
        <div className="container header-inner">
          <Link to="/" className="brand">
            <BrandMark branding={workspace.branding} />
          </Link>
          <button
            type="button"
            className="btn menu-toggle"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span className="menu-icon" aria-hidden="true" />
            Menu
          </button>
          <div id={menuId} className={menuOpen ? 'header-menu is-open' : 'header-menu'}>
            <nav aria-label="Main" className="main-nav">
              <ul>
                <li>
                  <NavLink to="/" end>
                    My tickets
                  </NavLink>
                </li>
                {workspace.settings.ticketCreation && (
                  <li>
                    <NavLink to="/tickets/new">New ticket</NavLink>
                  </li>
                )}
                <li>
                  <NavLink to="/kb">Help center</NavLink>
                </li>
                {contact.role === 'manager' && (
                  <li>
                    <NavLink to="/team">Team</NavLink>
                  </li>
                )}
              </ul>
            </nav>
            <div className="account">
              <div className="account-who">
                <span className="account-name">{contact.name}</span>
                <span className="account-client">{contact.client.name}</span>
              </div>
              <NavLink to="/account" className="btn btn-quiet account-link">
                Account
              </NavLink>
              <button type="button" className="btn btn-quiet" onClick={onSignOut} disabled={signingOut}>
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
            </div>
          </div>
        </div>
      </header>
      <ReconnectingIndicator />
      <main id="main" className="container site-main has-chat-launcher" tabIndex={-1} inert={behindSheet}>
        <ErrorAlert message={signOutError} />
        {flash && (
          <div className="alert alert-success flash" role="status">
            <span aria-hidden="true" className="check-icon">
              ✓
            </span>
            {flash}
          </div>
        )}
        <Outlet />
      </main>
      <ChatWidget open={chatOpen} onOpenChange={setChatOpen} />
    </>
  );
}
