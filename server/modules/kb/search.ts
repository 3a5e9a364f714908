/**
 * Knowledge base search in PostgreSQL itself (the same on PGlite): a weighted tsvector
 * (title A, body B) with a GIN index, `ts_rank` (a title hit outranks a body hit), stemming
 * by the workspace's text search configuration, the last word as a prefix (search as you
 * type), and snippets cut in the database and marked here. Who may see an article is part of the WHERE clause, so
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

/** The query's lexemes as PostgreSQL made them (stemmed, stop words gone), from `tsquery::text`. */
export function queryLexemes(tsquery: string): string[] {
  return [...tsquery.matchAll(/'((?:[^']|'')+)'/g)].map((m) => m[1]!.replaceAll("''", "'").normalize('NFKC').toLowerCase());
}

const SNIPPET_WORDS = 35;
const WORD = /([\p{L}\p{N}]+)/u;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The snippet: up to 35 words of the excerpt, starting a few words before the first match,
 * with the words that match a lexeme marked (as text pieces, never HTML). A word matches
 * when it starts with a lexeme: stems are prefixes of the words they come from ("print"
 * marks "printers"), and the last query word is a prefix anyway. Done here rather than with
 * `ts_headline`, which parsed and stemmed every word of 25 excerpts per page inside the
 * database: a third of a search's database time (bench data set: 1.1 of 3.5 ms).
 */
export function snippetParts(excerpt: string, lexemes: string[]): SnippetPart[] {
  const tokens = excerpt.split(WORD); // words at odd indexes, what lies between at even ones
  const words = (tokens.length - 1) / 2;
  if (words < 1) return excerpt.trim() ? [{ text: excerpt.trim(), hit: false }] : [];
  const hit = new Uint8Array(tokens.length);
  let first = -1;
  for (let i = 1; i < tokens.length; i += 2) {
    let w = tokens[i]!.toLowerCase();
    if (!ASCII.test(w)) w = w.normalize('NFKC');
    for (const l of lexemes) {
      if (l && w.startsWith(l)) {
        hit[i] = 1;
        if (first < 0) first = (i - 1) / 2;
        break;
      }
    }
  }
  const from = Math.max(0, first - 8);
  const to = Math.min(words, from + SNIPPET_WORDS) - 1; // word indexes, inclusive
  // Punctuation before the first word and after the last stays when the excerpt's own ends show.
  const start = from === 0 ? 0 : 2 * from + 1;
  const end = to === words - 1 ? tokens.length - 1 : 2 * to + 1;
  const parts: SnippetPart[] = [];
  for (let i = start; i <= end; i++) {
    const text = tokens[i]!;
    const isHit = hit[i] === 1;
    const last = parts.at(-1);
    if (last && last.hit === isHit) last.text += text;
    else if (text) parts.push({ text, hit: isHit });
  }
  if (parts[0] && !parts[0].hit) parts[0].text = parts[0].text.trimStart();
  const last = parts.at(-1);
  if (last && !last.hit) last.text = last.text.trimEnd();
  return parts;
}

/**
 * The part of an article's text a snippet is cut from: 240 characters around the first place
 * the query's first word occurs (its stem, as the text search configuration made it), or the
 * start, trimmed to whole words: only this much of each of the page's articles leaves the
 * database (a snippet shows 35 words at most anyway).
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
  /** About 240 characters around the first match, cut on word boundaries. */
  excerpt: string;
  /** The tsquery as text: its lexemes mark the snippet. */
  terms: string;
  total: number;
};

/**
 * One page of ranked results and the total, in two steps: rank and count every match
 * (index scan), then cut the excerpts of the page's rows only.
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
            ${snippetWindow('a.body_text', 'q.q')} as excerpt, q.q::text as terms
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
    snippet: snippetParts(row.excerpt, queryLexemes(row.terms)),
    categoryName: row.category_name,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
