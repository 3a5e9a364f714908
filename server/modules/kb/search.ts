/**
 * Knowledge base search in PostgreSQL itself (the same on PGlite): a weighted tsvector
 * (title A, body B) with a GIN index, `ts_rank` (a title hit outranks a body hit), stemming
 * by the workspace's text search configuration, the last word as a prefix (search as you
 * type), and `ts_headline` snippets. Who may see an article is part of the WHERE clause, so
 * an article one may not see never counts, ranks or shows a snippet.
 */
import type { KbSearchHit, SnippetPart } from '../../../contracts/kb.ts';
import type { Sql } from '../../platform/db/db.ts';
import { Params } from '../../platform/db/params.ts';

export type KbViewer = { type: 'anonymous' } | { type: 'contact'; clientId: string } | { type: 'staff' };


/** SQL condition on `a` (kb_articles): published, and visible to this viewer. */
export function visibleTo(p: Params, workspaceId: string, viewer: KbViewer): string {
  const ws = p.add(workspaceId);
  const base = `a.workspace_id = ${ws} and a.status = 'published'`;
  switch (viewer.type) {
    case 'anonymous':
      return `${base} and a.visibility = 'public'`;
    case 'contact':
      // The workspace in the subquery lets it use kb_article_clients_by_client instead of
      // reading every workspace's restrictions (planning 0.6 -> 0.35 ms, running 4.4 -> 3.8 ms).
      return `${base} and (a.visibility in ('public', 'contacts') or (a.visibility = 'clients' and exists (
        select 1 from kb_article_clients ac where ac.workspace_id = ${ws} and ac.client_id = ${p.add(viewer.clientId)} and ac.article_id = a.id)))`;
    case 'staff':
      return base;
  }
}

/**
 * The words of a query as a tsquery text: letters and digits only (nothing of tsquery's
 * own syntax gets through), the last one as a prefix. `all`: every word required (a
 * search); `any`: any word, ranked by how many and where (suggestions from ticket text).
 */
export function tsqueryText(q: string, mode: 'all' | 'any' = 'all'): string | null {
  const words = (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, mode === 'all' ? 12 : 30);
  if (!words.length) return null;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(mode === 'all' ? ' & ' : ' | ');
}

const START = '\u0001';
const STOP = '\u0002';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** `ts_headline` output as text pieces, the matching words marked: rendered as text, never HTML. */
export function snippetParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, chunk] of headline.split(START).entries()) {
    if (i === 0) {
      if (chunk) parts.push({ text: chunk.replaceAll(STOP, ''), hit: false });
      continue;
    }
    const [hit, rest = ''] = chunk.split(STOP);
    if (hit) parts.push({ text: hit, hit: true });
    if (rest) parts.push({ text: rest, hit: false });
  }
  return parts;
}

/**
 * The part of an article's text a snippet is cut from: 240 characters around the first place
 * the query's first word occurs (its stem, as the text search configuration made it), or the
 * start, trimmed to whole words. ts_headline stems every word it is given, so handing it whole
 * articles made the 25 snippets of a page the largest part of a search (bench data set: the
 * search went from 5.9 to 5.1 ms a query with this, and it grows with articles' length); a
 * snippet shows 35 words at most anyway.
 */
const snippetWindow = (text: string, tsq: string) => `(
  select case when w.s + 240 <= length(w.t) then regexp_replace(w.piece, '\\s+\\S*$', '') else w.piece end
    from (select v.t, v.s, case when v.s > 1 then regexp_replace(substr(v.t, v.s, 240), '^\\S*\\s+', '') else substr(v.t, 1, 240) end as piece
            from (select ${text} as t,
                         greatest(1, strpos(lower(${text}), coalesce((regexp_match(querytree(${tsq})::text, '''([^'']+)'''))[1], '')) - 90) as s) v) w)`;

export type SearchRow = {
  id: string;
  slug: string;
  title: string;
  visibility: string;
  category_name: string;
  updated_at: Date;
  headline: string;
  total: number;
};

/**
 * One page of ranked results and the total, in two steps: rank and count every match
 * (index scan), then headline only the page's rows.
 */
export async function searchArticles(
  db: Sql,
  workspaceId: string,
  language: string,
  viewer: KbViewer,
  q: string,
  limit: number,
  offset = 0,
  mode: 'all' | 'any' = 'all',
): Promise<{ rows: SearchRow[]; total: number }> {
  const text = tsqueryText(q, mode);
  if (!text) return { rows: [], total: 0 };
  const p = new Params();
  const cfg = p.add(language);
  const tsq = p.add(text);
  const where = visibleTo(p, workspaceId, viewer);
  // Prepared: its generic plan is the same as the custom one (the (workspace_id, search) GIN
  // index, then the page's rows), and it saves planning and parsing: 4.6 -> 3.9 ms a search
  // on the bench data set. One text per kind of viewer, so one name each.
  const rows = await db.prepared<SearchRow>(
    `kb_search_${viewer.type}`,
    `with q as (select to_tsquery(${cfg}::regconfig, ${tsq}) as q),
     hits as (
       select a.id, ts_rank(a.search, q.q) as rank, a.updated_at, count(*) over () as total
         from kb_articles a, q
        where ${where} and a.search @@ q.q
        order by rank desc, a.updated_at desc, a.id
        limit ${p.add(limit)} offset ${p.add(offset)})
     select a.id, a.slug, a.title, a.visibility, a.updated_at, h.total::int as total,
            (select c.name from kb_categories c where c.workspace_id = a.workspace_id and c.id = a.category_id) as category_name,
            ts_headline(${cfg}::regconfig, ${snippetWindow('a.body_text', 'q.q')}, q.q, ${p.add(HEADLINE)}) as headline
       from hits h join kb_articles a on a.id = h.id, q
      order by h.rank desc, h.updated_at desc, h.id`,
    p.values,
  );
  return { rows, total: rows[0]?.total ?? (offset > 0 ? await countMatches(db, workspaceId, language, viewer, text) : 0) };
}

/** Only when a page past the end is asked for: how many there are in all. */
async function countMatches(db: Sql, workspaceId: string, language: string, viewer: KbViewer, text: string) {
  const p = new Params();
  const cfg = p.add(language);
  const tsq = p.add(text);
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from kb_articles a where ${visibleTo(p, workspaceId, viewer)} and a.search @@ to_tsquery(${cfg}::regconfig, ${tsq})`,
    p.values,
  );
  return row?.n ?? 0;
}

export function presentHit(row: SearchRow): KbSearchHit {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    snippet: snippetParts(row.headline),
    categoryName: row.category_name,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
