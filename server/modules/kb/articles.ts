/**
 * Staff writing the KB: save (create or update) a draft, publish, unpublish; list, read,
 * preview, search and statistics. Saving renders and sanitises the Markdown, recomputes
 * the search vector with the workspace's language, and gives a renamed article a new slug
 * while every old one keeps leading to it.
 */
import type { z } from 'zod';
import type { KbStats, KbVisibility, saveArticleBody, StaffKbArticle, StaffKbArticleSummary, StaffKbHit } from '../../../contracts/kb.ts';
import type { StaffCtx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { portalUrl, workspaceById } from '../../platform/tenancy.ts';
import { kbFileIds, renderMarkdown } from './render.ts';
import { INLINE_IMAGE_TYPES } from '../attachments/detect-type.ts';
import { presentHit, searchArticles } from './search.ts';
import { slugify } from './slug.ts';

type Input = z.infer<typeof saveArticleBody>;

const summaryColumns = `a.id, a.slug, a.title, a.category_id, c.name as category_name, a.status, a.visibility, a.updated_at,
  a.views, a.helpful, a.not_helpful, a.deflections`;

type SummaryRow = {
  id: string; slug: string; title: string; category_id: string; category_name: string; status: 'draft' | 'published';
  visibility: KbVisibility; updated_at: Date; views: number; helpful: number; not_helpful: number; deflections: number;
};

const presentSummary = (r: SummaryRow): StaffKbArticleSummary => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  categoryId: r.category_id,
  categoryName: r.category_name,
  status: r.status,
  visibility: r.visibility,
  updatedAt: new Date(r.updated_at).toISOString(),
  views: r.views,
  helpful: r.helpful,
  notHelpful: r.not_helpful,
  deflections: r.deflections,
});

export const articleUrl = (publicUrl: string, workspaceSlug: string, articleSlug: string) =>
  `${portalUrl(publicUrl, { slug: workspaceSlug })}/kb/${articleSlug}`;

export async function listArticles(ctx: StaffCtx, q: string, status: 'draft' | 'published' | undefined): Promise<StaffKbArticleSummary[]> {
  const rows = await ctx.db.query<SummaryRow>(
    `select ${summaryColumns} from kb_articles a join kb_categories c on c.workspace_id = a.workspace_id and c.id = a.category_id
      where a.workspace_id = $1 and ($2::text is null or a.status = $2) and ($3 = '' or a.title ilike '%' || $3 || '%')
      order by a.updated_at desc limit 500`,
    [ctx.workspaceId, status ?? null, q.replace(/[\\%_]/g, (c) => `\\${c}`)],
  );
  return rows.map(presentSummary);
}

export async function getArticle(ctx: StaffCtx, id: string): Promise<StaffKbArticle> {
  const [row] = await ctx.db.query<SummaryRow & { markdown: string; html: string; published_at: Date | null; client_ids: string[] }>(
    `select ${summaryColumns}, a.markdown, a.html, a.published_at,
            coalesce((select array_agg(ac.client_id::text order by ac.client_id) from kb_article_clients ac where ac.article_id = a.id), '{}') as client_ids
       from kb_articles a join kb_categories c on c.workspace_id = a.workspace_id and c.id = a.category_id
      where a.workspace_id = $1 and a.id = $2`,
    [ctx.workspaceId, id],
  );
  if (!row) throw new AppError('not_found');
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  return {
    ...presentSummary(row),
    markdown: row.markdown,
    html: row.html,
    clientIds: row.client_ids,
    publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
    portalUrl: articleUrl(ctx.config.publicUrl, ws.slug, row.slug),
  };
}

const RESERVED_SLUGS = new Set(['search', 'c', 'new', 'files', 'categories', 'articles']);

/** A slug for this title that no other article of the workspace has (now or before). */
async function allocateSlug(tx: Sql, workspaceId: string, title: string, articleId: string | null): Promise<string> {
  const base = slugify(title);
  const taken = await tx.query<{ slug: string; article_id: string }>(
    `select slug, article_id from kb_slugs where workspace_id = $1 and (slug = $2 or slug ~ ('^' || $2 || '-[0-9]+$'))`,
    [workspaceId, base],
  );
  const owner = new Map(taken.map((t) => [t.slug, t.article_id]));
  // The portal's own KB addresses (`/kb/search`, `/kb/c/…`) are never article slugs.
  for (let n = RESERVED_SLUGS.has(base) ? 2 : 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const holder = owner.get(slug);
    if (!holder || holder === articleId) return slug;
  }
}

async function checkReferences(tx: Sql, workspaceId: string, input: Input) {
  const [cat] = await tx.query('select 1 from kb_categories where workspace_id = $1 and id = $2', [workspaceId, input.categoryId]);
  if (!cat) throw new AppError('validation_failed', { fields: [{ field: 'categoryId', message: 'No such category' }] });
  if (input.visibility === 'clients') {
    const found = await tx.query('select id from clients where workspace_id = $1 and id = any($2::uuid[])', [workspaceId, input.clientIds]);
    if (found.length !== new Set(input.clientIds).size) {
      throw new AppError('validation_failed', { fields: [{ field: 'clientIds', message: 'No such client' }] });
    }
  }
}

/** Where readers get an article's uploaded image (inline; see the portal's `/kb/files/:id`). */
export const kbFileUrl = (workspaceSlug: string, fileId: string) => `/portal/${workspaceSlug}/api/kb/files/${fileId}?inline=1`;

/**
 * The images the Markdown shows become the article's: the writer's own pending uploads, or
 * images already on this article. Only safe raster images; anything else fails the save.
 */
async function claimImages(tx: Sql, ctx: StaffCtx, articleId: string, ids: string[]) {
  if (!ids.length) return;
  const claimed = await tx.query<{ id: string }>(
    `update attachments set kb_article_id = $3, attached_at = coalesce(attached_at, now())
      where workspace_id = $1 and id = any($2::text[]) and content_type = any($5::text[])
        and (kb_article_id = $3 or (attached_at is null and uploader_staff_id = $4))
      returning id`,
    [ctx.workspaceId, ids, articleId, ctx.actor.id, [...INLINE_IMAGE_TYPES]],
  );
  if (claimed.length !== ids.length) {
    throw new AppError('validation_failed', {
      fields: [{ field: 'markdown', message: 'An image in the article is no longer available or is not a PNG, JPEG, GIF or WebP image. Upload it again.' }],
    });
  }
}

/** Creates (no id) or updates an article; returns its id. Status is left as it is (new ones are drafts). */
export async function saveArticle(ctx: StaffCtx, id: string | null, input: Input): Promise<string> {
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  const { html, text } = renderMarkdown(input.markdown, new URL(ctx.config.publicUrl).origin, (file) => kbFileUrl(ws.slug, file));
  return mutate(ctx, async (tx, record) => {
    await checkReferences(tx, ctx.workspaceId, input);
    let articleId = id;
    if (articleId) {
      const [row] = await tx.query<{ unchanged: boolean }>(
        `select $3::timestamptz is null or date_trunc('milliseconds', updated_at) = $3::timestamptz as unchanged
           from kb_articles where workspace_id = $1 and id = $2 for update`,
        [ctx.workspaceId, articleId, input.expectedUpdatedAt ?? null],
      );
      if (!row) throw new AppError('not_found');
      if (!row.unchanged) throw new AppError('kb_article_changed');
    } else {
      const [row] = await tx.query<{ id: string }>(
        `insert into kb_articles (workspace_id, category_id, slug, title, author_staff_id) values ($1, $2, gen_random_uuid()::text, $3, $4) returning id`,
        [ctx.workspaceId, input.categoryId, input.title, ctx.actor.id],
      );
      articleId = row!.id;
    }
    const slug = await allocateSlug(tx, ctx.workspaceId, input.title, articleId);
    await tx.query(`insert into kb_slugs (workspace_id, slug, article_id) values ($1, $2, $3) on conflict do nothing`, [ctx.workspaceId, slug, articleId]);
    await tx.query(
      `update kb_articles a set category_id = $3, slug = $4, title = $5, markdown = $6, html = $7, body_text = $8, visibility = $9,
              search = setweight(to_tsvector(w.kb_language::regconfig, $5), 'A') || setweight(to_tsvector(w.kb_language::regconfig, $8), 'B'),
              updated_at = now()
         from workspaces w where w.id = a.workspace_id and a.workspace_id = $1 and a.id = $2`,
      [ctx.workspaceId, articleId, input.categoryId, slug, input.title, input.markdown, html, text, input.visibility],
    );
    await claimImages(tx, ctx, articleId!, kbFileIds(input.markdown));
    await tx.query('delete from kb_article_clients where article_id = $1', [articleId]);
    if (input.visibility === 'clients') {
      await tx.query(
        `insert into kb_article_clients (workspace_id, article_id, client_id) select $1, $2, unnest($3::uuid[]) on conflict do nothing`,
        [ctx.workspaceId, articleId, input.clientIds],
      );
    }
    await record({ type: id ? 'kb.article_updated' : 'kb.article_created', payload: { articleId, slug } });
    return articleId!;
  });
}

export async function setPublished(ctx: StaffCtx, id: string, published: boolean): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const [row] = await tx.query(
      `update kb_articles set status = $3, published_at = case when $3 = 'published' then coalesce(published_at, now()) else published_at end,
              updated_at = now()
        where workspace_id = $1 and id = $2 returning id`,
      [ctx.workspaceId, id, published ? 'published' : 'draft'],
    );
    if (!row) throw new AppError('not_found');
    await record({ type: published ? 'kb.article_published' : 'kb.article_unpublished', payload: { articleId: id } });
  });
}

/** Removes an article with its slugs, votes and images (their files go with the next clean-up). */
export async function deleteArticle(ctx: StaffCtx, id: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const [row] = await tx.query<{ title: string }>('delete from kb_articles where workspace_id = $1 and id = $2 returning title', [ctx.workspaceId, id]);
    if (!row) throw new AppError('not_found');
    await record({ type: 'kb.article_deleted', payload: { articleId: id, title: row.title } });
  });
}

/** Re-indexes every article of the workspace with its (new) language, in the caller's transaction. */
export async function reindexWorkspace(tx: Sql, workspaceId: string): Promise<void> {
  await tx.query(
    `update kb_articles a set search = setweight(to_tsvector(w.kb_language::regconfig, a.title), 'A')
                                 || setweight(to_tsvector(w.kb_language::regconfig, a.body_text), 'B')
       from workspaces w where w.id = a.workspace_id and a.workspace_id = $1`,
    [workspaceId],
  );
}

/** Staff search from a ticket: published articles, internal ones included, with their portal address. */
export async function staffSearch(ctx: StaffCtx, q: string): Promise<StaffKbHit[]> {
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  const { rows } = await searchArticles(ctx.db, ctx.workspaceId, ws.kb_language, { type: 'staff' }, q, 10);
  return rows.map((r) => ({ ...presentHit(r), visibility: r.visibility as KbVisibility, portalUrl: articleUrl(ctx.config.publicUrl, ws.slug, r.slug) }));
}

export async function kbStats(ctx: StaffCtx): Promise<KbStats> {
  const [articles, failed] = await Promise.all([
    ctx.db.query<SummaryRow>(
      `select ${summaryColumns} from kb_articles a join kb_categories c on c.workspace_id = a.workspace_id and c.id = a.category_id
        where a.workspace_id = $1 order by a.views desc, a.deflections desc, a.title limit 200`,
      [ctx.workspaceId],
    ),
    ctx.db.query<{ query: string; count: number; last_at: Date }>(
      'select query, count, last_at from kb_failed_searches where workspace_id = $1 order by count desc, last_at desc limit 100',
      [ctx.workspaceId],
    ),
  ]);
  return {
    articles: articles.map(presentSummary),
    failedSearches: failed.map((f) => ({ query: f.query, count: f.count, lastAt: new Date(f.last_at).toISOString() })),
  };
}
