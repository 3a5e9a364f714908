/** What visitors tell the KB: votes, deflections, and searches that found nothing. */
import type { Db, Sql } from '../../platform/db/db.ts';
import { findVisibleArticle } from './read.ts';
import type { KbViewer } from './search.ts';

/**
 * One vote per voter (`c:{contact}` or `v:{hash of the browser's cookie}`); voting again
 * changes it. The article's counts are recomputed from the votes in the same statement
 * set, so they never drift.
 */
export async function vote(db: Db, workspaceId: string, viewer: KbViewer, slug: string, voter: string, helpful: boolean) {
  const { id } = await findVisibleArticle(db, workspaceId, viewer, { slug });
  return db.tx(async (tx) => {
    await tx.query(
      `insert into kb_votes (workspace_id, article_id, voter, helpful) values ($1, $2, $3, $4)
       on conflict (article_id, voter) do update set helpful = excluded.helpful, created_at = now()`,
      [workspaceId, id, voter, helpful],
    );
    const [counts] = await tx.query<{ helpful: number; not_helpful: number }>(
      `update kb_articles set
         helpful = (select count(*) from kb_votes v where v.article_id = $1 and v.helpful),
         not_helpful = (select count(*) from kb_votes v where v.article_id = $1 and not v.helpful)
       where id = $1 returning helpful, not_helpful`,
      [id],
    );
    return { myVote: helpful ? ('helpful' as const) : ('not_helpful' as const), helpful: counts!.helpful, notHelpful: counts!.not_helpful };
  });
}

/** A contact opened a suggested article while writing a ticket, then left without sending it. */
export async function recordDeflection(db: Db, workspaceId: string, viewer: KbViewer & { type: 'contact' }, contactId: string, articleId: string, query: string) {
  const { id } = await findVisibleArticle(db, workspaceId, viewer, { id: articleId });
  await db.tx(async (tx) => {
    await tx.query('insert into kb_deflections (workspace_id, article_id, contact_id, query) values ($1, $2, $3, $4)', [workspaceId, id, contactId, query]);
    await tx.query('update kb_articles set deflections = deflections + 1 where id = $1', [id]);
  });
}

/** A search that found nothing, counted by its normalised text. */
export async function recordFailedSearch(db: Sql, workspaceId: string, q: string) {
  const query = q.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 200);
  if (query.length < 3) return;
  await db.query(
    `insert into kb_failed_searches (workspace_id, query) values ($1, $2)
     on conflict (workspace_id, query) do update set count = kb_failed_searches.count + 1, last_at = now()`,
    [workspaceId, query],
  );
}
