import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deflectionBody, kbSearchQuery, previewBody, saveArticleBody, saveCategoryBody, voteBody } from '../../../contracts/kb.ts';
import { KB_SEARCH_PAGE_SIZE, PAGE_SIZE } from '../../../contracts/constants.ts';
import type { Deps } from '../../platform/context.ts';
import { declare, idParam, parse, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { cookieOptions, noStore, portalCtx, portalHome, staffCtx } from '../../platform/http/surfaces.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { deleteArticle, getArticle, kbStats, listArticles, saveArticle, setPublished, staffSearch } from './articles.ts';
import { createCategory, deleteCategory, listCategories, updateCategory } from './categories.ts';
import { recordDeflection, recordFailedSearch, vote } from './feedback.ts';
import { kbArticle, kbCategory, kbHome } from './read.ts';
import { renderMarkdown } from './render.ts';
import { AppError } from '../../platform/errors.ts';
import { STAFF_FILES_BASE } from '../attachments/present.ts';
import { sendAttachment } from '../attachments/serve.ts';
import { attachmentId } from '../attachments/queries.ts';
import { findArticleImage } from './read.ts';
import { presentHit, searchArticles, type KbViewer } from './search.ts';

// Not `:slug`: the portal's own prefix is `/portal/:slug`. A malformed slug is simply not found.
const slugParam = z.object({ item: z.string().regex(/^[a-z0-9-]{1,100}$/) });
const itemSlug = (params: unknown) => {
  const parsed = slugParam.safeParse(params);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.item;
};
const VISITOR_COOKIE = 'kbv';


/** Who is reading: a signed-in contact (fully signed in), or anyone. */
function viewerOf(request: FastifyRequest): KbViewer {
  const session = request.portal?.session;
  return session && session.stage === 'active' ? { type: 'contact', clientId: session.actor.clientId } : { type: 'anonymous' };
}

/** One vote per contact, or per browser for visitors (a random cookie, stored hashed). */
function voterOf(request: FastifyRequest, reply: FastifyReply | null, deps: Deps): string | null {
  const session = request.portal?.session;
  if (session && session.stage === 'active') return `c:${session.actor.id}`;
  let token = request.cookies[VISITOR_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    if (!reply) return null;
    token = randomBytes(32).toString('base64url');
    reply.setCookie(VISITOR_COOKIE, token, cookieOptions(deps.config, portalHome(request), 365 * 24 * 3600));
  }
  return `v:${createHash('sha256').update(token).digest('hex').slice(0, 40)}`;
}

/** Portal knowledge base, under `/portal/:slug/api`: open to visitors for public articles. */
export async function portalKbRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const ws = (request: FastifyRequest) => request.portal!.workspace;

  app.get('/kb', declare('portal', 'anyone'), async (request) => kbHome(deps.db, ws(request).id, viewerOf(request)));

  app.get('/kb/categories/:item', declare('portal', 'anyone'), async (request) =>
    kbCategory(deps.db, ws(request).id, viewerOf(request), itemSlug(request.params)),
  );

  app.get('/kb/articles/:item', declare('portal', 'anyone'), async (request) =>
    kbArticle(deps.db, ws(request).id, viewerOf(request), itemSlug(request.params), voterOf(request, null, deps)),
  );

  app.get('/kb/search', declare('portal', 'anyone'), async (request) => {
    const { q, page } = parse(kbSearchQuery, request.query);
    const w = ws(request);
    const { rows, total } = await searchArticles(deps.db, w.id, w.kb_language, viewerOf(request), q, KB_SEARCH_PAGE_SIZE, (page - 1) * KB_SEARCH_PAGE_SIZE);
    if (total === 0 && page === 1 && q) await recordFailedSearch(deps.db, w.id, q);
    return { items: rows.map(presentHit), total, page, pageSize: KB_SEARCH_PAGE_SIZE };
  });

  app.get('/kb/suggest', declare('portal', 'anyone'), async (request) => {
    const { q } = parse(kbSearchQuery, request.query);
    const w = ws(request);
    // Ticket text is prose: any of its words counts, the best matches first.
    const { rows } = await searchArticles(deps.db, w.id, w.kb_language, viewerOf(request), q, 5, 0, 'any');
    return { items: rows.map(presentHit) };
  });

  app.post('/kb/articles/:item/vote', declare('portal', 'anyone', KEEPS_AUTH), async (request, reply) => {
    const { helpful } = parse(voteBody, request.body);
    const slug = itemSlug(request.params);
    const voter = voterOf(request, reply, deps)!;
    await enforce(deps.db, [{ key: `kb.vote:${voter}`, max: 60, windowSeconds: 3600 }]);
    return vote(deps.db, ws(request).id, viewerOf(request), slug, voter, helpful);
  });

  app.get('/kb/files/:id', declare('portal', 'anyone'), async (request, reply) => {
    const file = await findArticleImage(deps.db, ws(request).id, viewerOf(request), attachmentId(request.params));
    if (!file) throw new AppError('not_found');
    return sendAttachment(deps.files, request, reply, file);
  });

  app.post('/kb/deflections', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    const { articleId, query } = parse(deflectionBody, request.body);
    await enforce(deps.db, [{ key: `kb.deflection:${ctx.actor.id}`, max: 60, windowSeconds: 3600 }]);
    await recordDeflection(deps.db, ctx.workspaceId, { type: 'contact', clientId: ctx.actor.clientId }, ctx.actor.id, articleId, query);
    reply.code(204);
  });
}

const listQuery = z.object({ q: z.string().trim().max(200).default(''), status: z.enum(['draft', 'published']).optional() });

/** Staff knowledge base, under `/staff/api`: any technician writes and publishes. */
export async function staffKbRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/kb/categories', declare('staff', 'staff'), async (request) => ({ items: await listCategories(staffCtx(deps, request)) }));

  app.post('/kb/categories', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const id = await createCategory(ctx, parse(saveCategoryBody, request.body));
    reply.code(201);
    return (await listCategories(ctx)).find((c) => c.id === id);
  });

  app.patch('/kb/categories/:id', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    await updateCategory(ctx, id, parse(saveCategoryBody, request.body));
    return (await listCategories(ctx)).find((c) => c.id === id);
  });

  app.delete('/kb/categories/:id', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    await deleteCategory(staffCtx(deps, request), idParam(request.params));
    reply.code(204);
  });

  app.get('/kb/articles', declare('staff', 'staff'), async (request) => {
    const { q, status } = parse(listQuery, request.query);
    return { items: await listArticles(staffCtx(deps, request), q, status) };
  });

  app.post('/kb/articles', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const id = await saveArticle(ctx, null, parse(saveArticleBody, request.body));
    reply.code(201);
    return getArticle(ctx, id);
  });

  app.get('/kb/articles/:id', declare('staff', 'staff'), async (request) => getArticle(staffCtx(deps, request), idParam(request.params)));

  app.patch('/kb/articles/:id', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = await saveArticle(ctx, idParam(request.params), parse(saveArticleBody, request.body));
    return getArticle(ctx, id);
  });

  app.delete('/kb/articles/:id', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    await deleteArticle(staffCtx(deps, request), idParam(request.params));
    reply.code(204);
  });

  for (const [action, published] of [['publish', true], ['unpublish', false]] as const) {
    app.post(`/kb/articles/:id/${action}`, declare('staff', 'staff', KEEPS_AUTH), async (request) => {
      const ctx = staffCtx(deps, request);
      const id = idParam(request.params);
      await setPublished(ctx, id, published);
      return getArticle(ctx, id);
    });
  }

  app.post('/kb/preview', declare('staff', 'staff', KEEPS_AUTH), async (request) => ({
    html: renderMarkdown(parse(previewBody, request.body).markdown, new URL(deps.config.publicUrl).origin, (id) => `${STAFF_FILES_BASE}/${id}?inline=1`).html,
  }));

  app.get('/kb/search', declare('staff', 'staff'), async (request) => ({
    items: await staffSearch(staffCtx(deps, request), parse(kbSearchQuery, request.query).q),
  }));

  app.get('/kb/stats', declare('staff', 'staff'), async (request) => kbStats(staffCtx(deps, request)));
}
