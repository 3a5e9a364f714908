/**
 * Branding as the portal serves it: the page's head (title, favicon, stylesheets), the
 * stylesheets themselves and the images, under `/portal/:slug`. Which level applies follows
 * who is asking: the signed-in contact's client, else the workspace's own.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EffectiveBranding } from '../../../contracts/branding.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare } from '../../platform/http/route-config.ts';
import { escapeAttr } from '../../platform/http/web-host.ts';
import { colorsStylesheet, initialFavicon, loadBranding, type Branding } from './effective.ts';
import { findBrandImage } from './queries.ts';

/**
 * The client whose branding this request sees: the signed-in contact's, else the client
 * whose domain this is, else none (the workspace's).
 */
export const brandClientOf = (request: FastifyRequest): string | null =>
  request.portal?.session?.actor.clientId ?? request.portal?.domain?.clientId ?? null;

export const requestBranding = (deps: Deps, request: FastifyRequest): Promise<Branding> => {
  const { workspace, base } = request.portal!;
  return loadBranding(deps.db, workspace, brandClientOf(request), base);
};

/**
 * Portal pages load scripts, styles, images and fonts from the portal's own origin only: no
 * data: images (custom CSS cannot smuggle content in; the MFA QR code is inline SVG), and
 * blob: only for thumbnails of files the person is attaching, made by the page itself.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Portal pages where passwords or second factors are set: custom CSS never applies there
 * (the browser app switches it off on the same pages as it navigates).
 */
export const PLAIN_PAGES = /^\/(account|register|reset\/|welcome\/)/;

/** Tags for the page's head: favicon, colours and (unless `plain`) the custom stylesheet. */
export function brandHead(b: EffectiveBranding, plain: boolean): string {
  const tags = [`<link rel="stylesheet" id="brand-colors" href="${escapeAttr(b.stylesheetUrl)}">`];
  if (b.customCssUrl) tags.push(`<link rel="stylesheet" id="brand-custom" href="${escapeAttr(b.customCssUrl)}"${plain ? ' disabled' : ''}>`);
  if (b.faviconUrl) tags.push(`<link rel="icon" id="brand-icon" href="${escapeAttr(b.faviconUrl)}">`);
  return tags.join('');
}

// The stylesheets' addresses change with their content (`?v=`), so a browser may keep them.
const sendCss = (reply: FastifyReply, css: string) =>
  reply.type('text/css; charset=utf-8').header('cache-control', 'private, max-age=31536000, immutable').send(css);

export async function portalBrandingRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.get('/brand/colors.css', declare('portal', 'anyone'), async (request, reply) =>
    sendCss(reply, colorsStylesheet((await requestBranding(deps, request)).effective)),
  );

  app.get('/brand/custom.css', declare('portal', 'anyone'), async (request, reply) =>
    sendCss(reply, (await requestBranding(deps, request)).customCss ?? ''),
  );

  app.get('/brand/favicon.svg', declare('portal', 'anyone'), async (request, reply) =>
    reply
      .type('image/svg+xml')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .send(initialFavicon((await requestBranding(deps, request)).effective)),
  );

  app.get('/brand/images/:id', declare('portal', 'anyone'), async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('not_found');
    // On a client's domain, only that client's images and the workspace's.
    const image = await findBrandImage(deps.db, request.portal!.workspace.id, id, request.portal!.domain?.clientId ?? undefined);
    if (!image) throw new AppError('not_found');
    // An image's id changes whenever it is replaced. SVGs were sanitised; the policy below
    // keeps even a missed script inert if one is opened directly.
    return reply
      .type(image.content_type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .send(image.bytes);
  });
}
