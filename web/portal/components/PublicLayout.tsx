import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../session.tsx';

/**
 * The frame of the help center for visitors who are not signed in: the workspace's name,
 * "Sign in" (which comes back to the page being read), and the page.
 */
export function PublicLayout() {
  const { workspace, base } = useSession();
  const { pathname, search } = useLocation();
  const next = new URLSearchParams({ next: `${base}${pathname}${search}` });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="container header-inner public-header">
          <Link to="/kb" className="brand">
            {workspace.name}
          </Link>
          <span className="public-section">Help center</span>
          <Link to={`/?${next}`} className="btn btn-primary public-signin">
            Sign in
          </Link>
        </div>
      </header>
      <main id="main" className="container site-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
