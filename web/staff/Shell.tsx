import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { PRESET_VIEWS, matchingView, parseFilters } from './filters.ts';
import { useSession } from './session.tsx';
import { focusPageHeading, initials } from './components.tsx';
import { useLive } from './live.tsx';
import { ConnectionNotice, LiveToasts, PresenceSwitch, WaitingBadge, useWaitingCount } from './LiveShell.tsx';

/** Sidebar (desktop) or top bar with a menu (phones) around every signed-in page. */
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const live = useLive();
  const waiting = useWaitingCount();
  const location = useLocation();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const firstRender = useRef(true);

  // After each navigation: close the phone menu and move focus to the page's heading,
  // so screen readers announce the new page and keyboard users start at its top.
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    focusPageHeading();
  }, [location.pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setMenuOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const onQueue = location.pathname === '/';
  const activeView = onQueue ? matchingView(parseFilters(new URLSearchParams(location.search))) : undefined;
  const { staff, workspace } = session;

  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to main content
      </a>
      <header className="app-header">
      <div className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          aria-describedby={waiting > 0 && !menuOpen ? 'menu-waiting' : undefined}
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span className="menu-icon" aria-hidden="true" />
          Menu
          {waiting > 0 && !menuOpen && <WaitingBadge id="menu-waiting" />}
        </button>
        <span className="topbar-name">{workspace.name}</span>
        <PresenceSwitch variant="topbar" />
      </div>
      <div className="sidebar" id="sidebar">
        <div className="sidebar-brand">
          <span className="brand-product">Portico</span>
          <span className="brand-workspace">{workspace.name}</span>
        </div>
        <PresenceSwitch variant="sidebar" />
        <nav aria-label="Main" className="sidebar-nav">
          <ul>
            <li>
              <Link
                to="/"
                className={`nav-link${onQueue || location.pathname.startsWith('/tickets/') ? ' active' : ''}`}
                aria-current={onQueue && !activeView ? 'page' : undefined}
              >
                Tickets
              </Link>
              <ul className="nav-views" aria-label="Ticket views">
                {PRESET_VIEWS.map((v) => (
                  <li key={v.id}>
                    <Link
                      to={`/${v.search}`}
                      className="nav-link nav-view"
                      aria-current={activeView?.id === v.id ? 'page' : undefined}
                    >
                      {v.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
            <li>
              <NavLink to="/chats" className="nav-link" aria-describedby={waiting > 0 ? 'nav-waiting' : undefined}>
                Chats
                <WaitingBadge id="nav-waiting" />
              </NavLink>
            </li>
            <li>
              <NavLink to="/clients" className="nav-link">
                Clients
              </NavLink>
            </li>
            <li>
              <NavLink to="/kb" className="nav-link">
                Knowledge base
              </NavLink>
            </li>
            {staff.role === 'admin' && (
              <>
                <li>
                  <NavLink to="/settings" className="nav-link">
                    Settings
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/mailbox" className="nav-link">
                    Mailbox
                  </NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <a className="nav-link portal-link" href={workspace.portalUrl} target="_blank" rel="noopener">
            Open customer portal<span className="visually-hidden"> (opens in a new tab)</span>
            <span aria-hidden="true"> ↗</span>
          </a>
          <div className="me">
            <span className="avatar avatar-staff" aria-hidden="true">
              {initials(staff.name)}
            </span>
            <span className="me-text">
              <span className="me-name">{staff.name}</span>
              <span className="me-role">{staff.role === 'admin' ? 'Admin' : 'Agent'}</span>
            </span>
          </div>
          <NavLink to="/account" className="nav-link me-account">
            Account and security
          </NavLink>
          <button
            type="button"
            className="btn btn-sidebar"
            onClick={() => {
              live.close();
              void session.signOut().then(() => navigate('/'));
            }}
          >
            Sign out
          </button>
        </div>
      </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <div className="live-notices">
        <ConnectionNotice />
        <LiveToasts />
      </div>
    </div>
  );
}
