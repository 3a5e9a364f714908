import { z } from 'zod';
import { CUSTOM_CSS_MAX_CHARS, HEX_COLOR, PORTAL_NAME_MAX, type ContrastWarning } from './branding-colors.ts';

export * from './branding-colors.ts';


const color = z
  .string()
  .trim()
  .regex(HEX_COLOR, 'Use a colour like #1f5fbf')
  .transform((c) => c.toLowerCase());

/**
 * A change to one level (the workspace, or one client). A field left out stays as it is;
 * `null` (or an empty name/CSS) clears it, so the level inherits again.
 */
export const updateBrandingBody = z.object({
  portalName: z.string().trim().max(PORTAL_NAME_MAX).nullable().optional(),
  primaryColor: color.nullable().optional(),
  accentColor: color.nullable().optional(),
  customCss: z.string().max(CUSTOM_CSS_MAX_CHARS, `At most ${CUSTOM_CSS_MAX_CHARS.toLocaleString('en')} characters`).nullable().optional(),
});
export type UpdateBranding = z.input<typeof updateBrandingBody>;

/** A preview: the level's values as they would be after the change (nothing is saved). */
export const previewBrandingBody = updateBrandingBody;

export type BrandImage = { url: string; contentType: string; bytes: number };

/** What one level sets itself (null = inherits). */
export type BrandingValues = {
  portalName: string | null;
  primaryColor: string | null;
  accentColor: string | null;
  customCss: string | null;
  logo: BrandImage | null;
  favicon: BrandImage | null;
};

/** What contacts see: the client's values over the workspace's over the defaults. */
export type EffectiveBranding = {
  portalName: string;
  primaryColor: string;
  primaryContrast: string;
  accentColor: string;
  logoUrl: string | null;
  /** The uploaded favicon, or one drawn from the name's initial and the primary colour. */
  faviconUrl: string;
  /** The colours as CSS variables; the query string changes with every change. */
  stylesheetUrl: string;
  /** The sanitised custom CSS, when there is any (never applied where passwords or MFA are set up). */
  customCssUrl: string | null;
};

/** The staff view of one level. */
export type BrandingLevel = {
  scope: { type: 'workspace' } | { type: 'client'; clientId: string; clientName: string };
  values: BrandingValues;
  /** The workspace's values, shown as placeholders on a client's form. */
  inherited: Omit<BrandingValues, 'customCss'> & { customCss: boolean };
  effective: EffectiveBranding;
  warnings: ContrastWarning[];
};

