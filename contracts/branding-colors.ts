/**
 * Branding values and colour checks the browser needs too: no zod here, so the web bundles
 * stay small (re-exported by branding.ts).
 */

/** `#rrggbb`: the only colour form stored (the colour input gives it; CSS accepts it everywhere). */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** What a portal looks like when nothing is set. */
export const DEFAULT_BRANDING = { primaryColor: '#1f5fbf', accentColor: '#0f766e' } as const;

export const PORTAL_NAME_MAX = 80;
export const CUSTOM_CSS_MAX_CHARS = 50_000;

export type ContrastWarning = { pair: 'buttons' | 'links' | 'accent'; ratio: number; message: string };

// WCAG 2.x relative luminance and contrast ratio.
const channel = (v: number) => {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
};
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return Math.floor(((hi + 0.05) / (lo + 0.05)) * 100) / 100; // rounded down: 4.499 is not AA
}

/** Text on the primary colour (buttons, header): white, or near-black when white reads worse. */
export const contrastText = (background: string) =>
  contrastRatio(background, '#ffffff') >= contrastRatio(background, '#111827') ? '#ffffff' : '#111827';

/** WCAG AA wants 4.5:1 for normal text. */
export const AA_NORMAL_TEXT = 4.5;

/**
 * Where the colours meet text: button labels on the primary colour (white or near-black,
 * whichever reads better), links in the primary colour on white, and the accent (staff
 * names, tags) on white.
 */
export function contrastWarnings(primaryColor: string, accentColor: string): ContrastWarning[] {
  const checks = [
    { pair: 'buttons', ratio: contrastRatio(primaryColor, contrastText(primaryColor)), what: 'Button text on the primary colour', fix: 'a darker or lighter primary colour' },
    { pair: 'links', ratio: contrastRatio(primaryColor, '#ffffff'), what: 'Links in the primary colour on white', fix: 'a darker primary colour' },
    { pair: 'accent', ratio: contrastRatio(accentColor, '#ffffff'), what: 'Accent-coloured text on white', fix: 'a darker accent colour' },
  ] as const;
  return checks
    .filter((c) => c.ratio < AA_NORMAL_TEXT)
    .map((c) => ({ pair: c.pair, ratio: c.ratio, message: `${c.what} has a contrast of ${c.ratio}:1; WCAG AA needs 4.5:1. Choose ${c.fix}.` }));
}
