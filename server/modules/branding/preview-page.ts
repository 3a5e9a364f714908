/**
 * The preview frame the branding editor shows: a portal page drawn with the portal's own
 * stylesheets and the draft's colours and CSS, under `/staff/branding-preview/:id`. It runs
 * no script and loads nothing from elsewhere; only the staff app may frame it.
 */
import type { FastifyInstance } from 'fastify';
import type { EffectiveBranding } from '../../../contracts/branding.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, idParam } from '../../platform/http/route-config.ts';
import { portalBase, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { appStylesheets, escapeAttr as esc } from '../../platform/http/web-host.ts';
import { colorsStylesheet, mergeBranding } from './effective.ts';
import { loadPreview } from './preview.ts';

export const PREVIEW_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

function page(b: EffectiveBranding, appCss: string[], draftCss: string[]): string {
  const logo = b.logoUrl ? `<img class="brand-logo" src="${esc(b.logoUrl)}" alt="">` : '';
  const tickets = [
    ['1042', 'Printer on the second floor jams', 'Open', 'open'],
    ['1039', 'New starter laptop for Maria', 'Pending', 'pending'],
    ['1031', 'VPN disconnects every hour', 'Solved', 'solved'],
  ];
  const badge = (status: string, cls: string) => `<span class="badge badge-${cls}">${status}</span>`;
  // The table on wide screens, cards on phones, as the portal's ticket list does.
  const rows = tickets
    .map(
      ([n, subject, status, cls]) =>
        `<tr><td class="col-number">#${n}</td><td class="col-subject"><a class="row-link" href="#">${subject}</a></td><td>${badge(status!, cls!)}</td><td class="col-updated">2 hours ago</td></tr>`,
    )
    .join('');
  const cards = tickets
    .map(
      ([n, subject, status, cls]) =>
        `<li class="ticket-card card"><div class="ticket-card-top"><span class="ticket-card-number">#${n}</span>${badge(status!, cls!)}</div><a class="ticket-card-subject row-link" href="#">${subject}</a><div class="ticket-card-meta"><span>Updated 2 hours ago</span></div></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(b.portalName)}</title>
${[...appCss, ...draftCss].map((href) => `<link rel="stylesheet" href="${esc(href)}">`).join('')}
</head><body>
<header class="site-header"><div class="container header-inner">
<a class="brand" href="#"><span class="brand-mark">${logo}<span class="brand-name">${esc(b.portalName)}</span></span></a>
<button type="button" class="btn menu-toggle"><span class="menu-icon" aria-hidden="true"></span>Menu</button>
<div class="header-menu"><nav aria-label="Main" class="main-nav"><ul>
<li><a href="#" aria-current="page">My tickets</a></li><li><a href="#">New ticket</a></li><li><a href="#">Help center</a></li></ul></nav>
<div class="account"><div class="account-who"><span class="account-name">Maria Lopez</span><span class="account-client">Example client</span></div>
<a class="btn btn-quiet account-link" href="#">Account</a></div></div></div></header>
<main id="main" class="container site-main">
<div class="page-header"><div><h1>My tickets</h1><p class="page-intro">Follow your requests and reply to your support team.</p></div>
<a class="btn btn-primary page-header-action" href="#">New ticket</a></div>
<div class="ticket-table-wrap card"><table class="ticket-table"><thead><tr><th scope="col" class="col-number">#</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col" class="col-updated">Updated</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<ul class="ticket-cards">${cards}</ul>
<ul class="thread preview-message"><li class="message message-staff"><div class="message-header"><span class="avatar" aria-hidden="true">SJ</span><span class="message-author"><span class="message-name">Sam Jones</span><span class="team-tag">Support team</span></span><span class="message-time">2 hours ago</span></div>
<div class="message-body">Thanks, we have ordered the part. <a href="#">See the article on paper jams</a>.</div></li></ul>
</main></body></html>`;
}

/** Under `/staff` (not `/api`): the frame and the draft's two stylesheets. */
export async function brandingPreviewRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const draft = async (request: Parameters<typeof staffCtx>[1]) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const preview = await loadPreview(ctx.db, ctx.workspaceId, id);
    if (!preview) throw new AppError('not_found');
    const ws = await workspaceById(ctx.db, ctx.workspaceId);
    return { id, ...mergeBranding(portalBase(ws.slug), ws.name, preview.workspace, preview.client) };
  };
  const noCache = { 'cache-control': 'no-store' };

  app.get('/branding-preview/:id', declare('staff', 'admin'), async (request, reply) => {
    const b = await draft(request);
    const css = [`/staff/branding-preview/${b.id}/colors.css`, ...(b.customCss ? [`/staff/branding-preview/${b.id}/custom.css`] : [])];
    return reply
      .headers({ ...noCache, 'content-security-policy': PREVIEW_CSP, 'x-frame-options': 'SAMEORIGIN' })
      .type('text/html; charset=utf-8')
      .send(page(b.effective, await appStylesheets('portal'), css));
  });
  app.get('/branding-preview/:id/colors.css', declare('staff', 'admin'), async (request, reply) =>
    reply.headers(noCache).type('text/css; charset=utf-8').send(colorsStylesheet((await draft(request)).effective)),
  );
  app.get('/branding-preview/:id/custom.css', declare('staff', 'admin'), async (request, reply) =>
    reply.headers(noCache).type('text/css; charset=utf-8').send((await draft(request)).customCss ?? ''),
  );
}
