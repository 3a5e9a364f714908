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

/** Inside the router: keeps `#brand-custom` off on plain pages and during the second step. */
export function CustomCssGuard({ mfa }: { mfa: boolean }) {
  const { pathname } = useLocation();
  const plain = mfa || PLAIN_PAGES.test(pathname);
  useEffect(() => {
    const link = document.getElementById('brand-custom') as HTMLLinkElement | null;
    if (link) link.disabled = plain;
  }, [plain]);
  return null;
}
