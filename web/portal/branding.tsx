/**
 * The portal's branding in the page: the logo and name, and custom CSS switched off on the
 * pages where passwords and second factors are set (the server leaves it off when such a
 * page is the first one loaded; this follows navigation inside the app).
 */
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import type { EffectiveBranding } from '../../contracts/branding.ts';

const PLAIN_PAGES = /^\/(account|register|reset\/|welcome\/)/;

export function BrandMark({ branding, className }: { branding: EffectiveBranding; className?: string }) {
  return (
    <span className={className ? `brand-mark ${className}` : 'brand-mark'}>
      {branding.logoUrl && <img className="brand-logo" src={branding.logoUrl} alt="" />}
      <span className="brand-name">{branding.portalName}</span>
    </span>
  );
}

/** The `<link>` with this id in the head, made if missing; removed when `href` is null. */
function syncLink(id: string, rel: string, href: string | null): HTMLLinkElement | null {
  let link = document.getElementById(id) as HTMLLinkElement | null;
  if (!href) {
    link?.remove();
    return null;
  }
  if (!link) {
    link = document.createElement('link');
    link.id = id;
    link.rel = rel;
    document.head.append(link);
  }
  if (link.getAttribute('href') !== href) link.setAttribute('href', href);
  return link;
}

/**
 * Inside the router: the head's brand stylesheets and favicon follow the session's branding
 * (signing in switches to the client's), and custom CSS stays off on plain pages and during
 * the second step.
 */
export function BrandStyles({ branding, mfa }: { branding: EffectiveBranding; mfa: boolean }) {
  const { pathname } = useLocation();
  const plain = mfa || PLAIN_PAGES.test(pathname);
  useEffect(() => {
    syncLink('brand-colors', 'stylesheet', branding.stylesheetUrl);
    const custom = syncLink('brand-custom', 'stylesheet', branding.customCssUrl);
    if (custom) custom.disabled = plain;
    syncLink('brand-icon', 'icon', branding.faviconUrl);
  }, [branding.stylesheetUrl, branding.customCssUrl, branding.faviconUrl, plain]);
  return null;
}
