/**
 * What a portal looks like for one audience: the client's level over the workspace's over
 * the product's defaults. Used by the portal pages, its stylesheets, the bootstrap, emails
 * and the staff editor.
 */
import { createHash } from 'node:crypto';
import {
  contrastText,
  DEFAULT_BRANDING,
  type BrandImage,
  type BrandingValues,
  type EffectiveBranding,
} from '../../../contracts/branding.ts';
import type { Sql } from '../../platform/db/db.ts';
import { escapeAttr } from '../../platform/http/web-host.ts';
import { brandingLevels, type BrandingRow } from './queries.ts';

export type Branding = {
  effective: EffectiveBranding;
  /** The sanitised custom CSS that applies (the client's, else the workspace's). */
  customCss: string | null;
  workspaceLevel: BrandingRow | undefined;
  clientLevel: BrandingRow | undefined;
};

const image = (base: string, id: string | null, type: string | null, bytes: number | null): BrandImage | null =>
  id && type ? { url: `${base}/brand/images/${id}`, contentType: type, bytes: Number(bytes ?? 0) } : null;

/** A level's own values, with image addresses under `base`. */
export function levelValues(base: string, row: BrandingRow | undefined): BrandingValues {
  return {
    portalName: row?.portal_name ?? null,
    primaryColor: row?.primary_color ?? null,
    accentColor: row?.accent_color ?? null,
    customCss: row?.custom_css ?? null,
    logo: row ? image(base, row.logo_id, row.logo_type, row.logo_bytes) : null,
    favicon: row ? image(base, row.favicon_id, row.favicon_type, row.favicon_bytes) : null,
  };
}

/**
 * Merges the levels. `base` is the portal's path on the address the page is served from
 * (`/portal/{slug}`, or '' on a custom domain).
 */
export function mergeBranding(
  base: string,
  workspaceName: string,
  workspaceLevel: BrandingRow | undefined,
  clientLevel: BrandingRow | undefined,
): Branding {
  const ws = levelValues(base, workspaceLevel);
  const client = levelValues(base, clientLevel);
  const primaryColor = client.primaryColor ?? ws.primaryColor ?? DEFAULT_BRANDING.primaryColor;
  const accentColor = client.accentColor ?? ws.accentColor ?? DEFAULT_BRANDING.accentColor;
  const customCss = client.customCss ?? ws.customCss;
  // Any change to either level changes the stylesheets' addresses, so browsers may keep them for good.
  const portalName = client.portalName ?? ws.portalName ?? workspaceName;
  const version = createHash('sha256')
    .update(JSON.stringify([primaryColor, accentColor, customCss, portalName]))
    .digest('base64url')
    .slice(0, 12);
  return {
    effective: {
      portalName,
      primaryColor,
      primaryContrast: contrastText(primaryColor),
      accentColor,
      logoUrl: (client.logo ?? ws.logo)?.url ?? null,
      // Without an uploaded one: the name's initial on the primary colour.
      faviconUrl: (client.favicon ?? ws.favicon)?.url ?? `${base}/brand/favicon.svg?v=${version}`,
      stylesheetUrl: `${base}/brand/colors.css?v=${version}`,
      customCssUrl: customCss ? `${base}/brand/custom.css?v=${version}` : null,
    },
    customCss,
    workspaceLevel,
    clientLevel,
  };
}

/** Loads and merges the branding a contact of `clientId` (or anyone, with null) sees. */
export async function loadBranding(
  db: Sql,
  ws: { id: string; name: string },
  clientId: string | null,
  base: string,
): Promise<Branding> {
  const { workspace, client } = await brandingLevels(db, ws.id, clientId);
  return mergeBranding(base, ws.name, workspace, client);
}

/** The default favicon: the portal name's first letter, on the primary colour. */
export function initialFavicon(b: EffectiveBranding): string {
  const letter = escapeAttr([...b.portalName.trim()][0]?.toUpperCase() ?? '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${b.primaryColor}"/><text x="16" y="22.5" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif" font-size="19" font-weight="700" text-anchor="middle" fill="${b.primaryContrast}">${letter}</text></svg>`;
}

/** The colours as the CSS variables every portal style derives from. */
export const colorsStylesheet = (b: EffectiveBranding) =>
  `:root{--brand-primary:${b.primaryColor};--brand-primary-contrast:${b.primaryContrast};--brand-accent:${b.accentColor}}\n`;
