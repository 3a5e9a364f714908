/** General · Branding · Custom domains, under the Settings heading (admins only). */
import { NavLink } from 'react-router';

export function SettingsTabs() {
  return (
    <nav aria-label="Settings" className="filter-tabs settings-tabs">
      <NavLink to="/settings" end className="view-tab">
        General
      </NavLink>
      <NavLink to="/settings/branding" className="view-tab">
        Branding
      </NavLink>
      <NavLink to="/settings/domains" className="view-tab">
        Custom domains
      </NavLink>
    </nav>
  );
}

/** `?client=<uuid>` on the branding and domains pages (from a client's page), or null. */
export function clientParam(params: URLSearchParams): string | null {
  const id = params.get('client');
  return id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : null;
}
