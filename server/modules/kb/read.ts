/**
 * What the portal reads: the KB home, a category, an article (with related articles and the
 * visitor's vote). Every query carries `visibleTo`: an article the visitor may not see is
 * not found, not counted, not related.
 */
import type { KbArticlePage, KbArticleSummary, KbCategory, KbCategoryPage, KbHome } from '../../../contracts/kb.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { attachmentColumns, type AttachmentRow } from '../attachments/queries.ts';
import { excerptOf } from './render.ts';
import { Params } from '../../platform/db/params.ts';
import { visibleTo, type KbViewer } from './search.ts';

type SummaryRow = { id: string; slug: string; title: string; body_text: string; category_name: string; updated_at: Date };

export const presentSummary = (r: SummaryRow): KbArticleSummary => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  excerpt: excerptOf(r.body_text),
  categoryName: r.category_name,
  updatedAt: new Date(r.updated_at).toISOString(),
});

const summaryColumns = `a.id, a.slug, a.title, left(a.body_text, 400) as body_text, c.name as category_name, a.updated_at`;
const withCategory = `join kb_categories c on c.workspace_id = a.workspace_id and c.id = a.category_id`;

type CategoryRow = { id: string; slug: string; name: string; description: string; position: number; article_count: number };
const presentCategory = (r: CategoryRow): KbCategory => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  position: r.position,
  articleCount: r.article_count,
});

/** Categories holding at least one article the visitor may see, in their order, and the most read articles. */
export async function kbHome(db: Sql, workspaceId: string, viewer: KbViewer): Promise<KbHome> {
  const p = new Params();
  const where = visibleTo(p, workspaceId, viewer);
  const categories = await db.query<CategoryRow>(
    `select c.id, c.slug, c.name, c.description, c.position, count(*)::int as article_count
       from kb_articles a ${withCategory} where ${where}
      group by c.id order by c.position, c.name`,
    p.values,
  );
  const q = new Params();
  const popular = await db.query<SummaryRow>(
    `select ${summaryColumns} from kb_articles a ${withCategory} where ${visibleTo(q, workspaceId, viewer)}
      order by a.views desc, a.updated_at desc limit 6`,
    q.values,
  );
  return { categories: categories.map(presentCategory), popular: popular.map(presentSummary) };
}

export async function kbCategory(db: Sql, workspaceId: string, viewer: KbViewer, slug: string): Promise<KbCategoryPage> {
  const p = new Params();
  const where = visibleTo(p, workspaceId, viewer);
  const articles = await db.query<SummaryRow & { category_id: string }>(
    `select ${summaryColumns}, c.id as category_id from kb_articles a ${withCategory}
      where ${where} and c.slug = ${p.add(slug)} order by a.title limit 500`,
    p.values,
  );
  const [category] = await db.query<CategoryRow>(
    `select id, slug, name, description, position, 0 as article_count from kb_categories where workspace_id = $1 and slug = $2`,
    [workspaceId, slug],
  );
  // A category with nothing the visitor may see does not exist for them.
  if (!category || !articles.length) throw new AppError('not_found');
  return { category: presentCategory({ ...category, article_count: articles.length }), articles: articles.map(presentSummary) };
}

type ArticleRow = { id: string; slug: string; title: string; html: string; updated_at: Date; category_id: string; category_slug: string; category_name: string };

/**
 * An article by any slug it has had: the current one answers the page (and counts a view),
 * an old one answers `movedTo`.
 */
export async function kbArticle(
  db: Sql,
  workspaceId: string,
  viewer: KbViewer,
  slug: string,
  voter: string | null,
): Promise<KbArticlePage | { movedTo: string }> {
  const p = new Params();
  const where = visibleTo(p, workspaceId, viewer);
  const [row] = await db.query<ArticleRow>(
    `select a.id, a.slug, a.title, a.html, a.updated_at, c.id as category_id, c.slug as category_slug, c.name as category_name
       from kb_slugs s join kb_articles a on a.workspace_id = s.workspace_id and a.id = s.article_id ${withCategory}
      where ${where} and s.slug = ${p.add(slug)}`,
    p.values,
  );
  if (!row) throw new AppError('not_found');
  if (row.slug !== slug) return { movedTo: row.slug };
  await db.query('update kb_articles set views = views + 1 where id = $1', [row.id]);
  const r = new Params();
  const related = await db.query<SummaryRow>(
    `select ${summaryColumns} from kb_articles a ${withCategory}
      where ${visibleTo(r, workspaceId, viewer)} and a.category_id = ${r.add(row.category_id)} and a.id <> ${r.add(row.id)}
      order by a.views desc, a.title limit 5`,
    r.values,
  );
  const [vote] = voter
    ? await db.query<{ helpful: boolean }>('select helpful from kb_votes where article_id = $1 and voter = $2', [row.id, voter])
    : [];
  return {
    article: {
      id: row.id,
      slug: row.slug,
      title: row.title,
      html: row.html,
      category: { id: row.category_id, slug: row.category_slug, name: row.category_name },
      updatedAt: new Date(row.updated_at).toISOString(),
    },
    related: related.map(presentSummary),
    myVote: vote ? (vote.helpful ? 'helpful' : 'not_helpful') : null,
  };
}

/** The visible, published article with this current slug, or not found. */
export async function findVisibleArticle(db: Sql, workspaceId: string, viewer: KbViewer, by: { slug: string } | { id: string }) {
  const p = new Params();
  const where = visibleTo(p, workspaceId, viewer);
  const [row] = await db.query<{ id: string }>(
    `select a.id from kb_articles a where ${where} and ${'slug' in by ? `a.slug = ${p.add(by.slug)}` : `a.id = ${p.add(by.id)}`}`,
    p.values,
  );
  if (!row) throw new AppError('not_found');
  return row;
}

/** An image of an article the visitor may read. */
export async function findArticleImage(db: Sql, workspaceId: string, viewer: KbViewer, id: string): Promise<AttachmentRow | undefined> {
  const p = new Params();
  const where = visibleTo(p, workspaceId, viewer);
  const [row] = await db.query<AttachmentRow>(
    `select ${attachmentColumns('f')}
       from attachments f join kb_articles a on a.workspace_id = f.workspace_id and a.id = f.kb_article_id
      where ${where} and f.id = ${p.add(id)}`,
    p.values,
  );
  return row;
}
