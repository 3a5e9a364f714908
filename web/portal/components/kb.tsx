/**
 * Pieces of the help center (knowledge base) shared by its pages, the public frame and the
 * suggestions on the new-ticket page: loading, search snippets, the article body, the vote.
 *
 * Only types come from contracts/kb.ts (it also builds zod schemas, which stay out of the
 * browser bundle).
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent, type ReactNode, type Ref } from 'react';
import { Link, useNavigate } from 'react-router';
import type { KbArticlePage, KbArticleSummary, KbSearchHit, SnippetPart } from '../../../contracts/kb.ts';
import { ApiError } from '../../ui/api.ts';
import { fullTime } from '../../ui/format.ts';
import { routerPath, useSession } from '../session.tsx';
import { Spinner } from './bits.tsx';

export type KbVote = KbArticlePage['myVote'];
export type KbVoteResult = { myVote: KbVote; helpful: number; notHelpful: number };
/** GET /kb/articles/:slug answers this instead of the article at an old slug. */
export type KbMoved = { movedTo: string };

export { KB_SEARCH_PAGE_SIZE as KB_PAGE_SIZE } from '../../../contracts/constants.ts';
/** The server's limit on a search query (kbSearchQuery). */
export const KB_QUERY_MAX = 200;

export const kbArticlePath = (slug: string) => `/kb/${encodeURIComponent(slug)}`;
export const kbCategoryPath = (slug: string) => `/kb/c/${encodeURIComponent(slug)}`;
export const kbSearchPath = (q: string, page = 1) => {
  const params = new URLSearchParams({ q });
  if (page > 1) params.set('page', String(page));
  return `/kb/search?${params}`;
};

export const isMoved = (data: KbArticlePage | KbMoved): data is KbMoved =>
  typeof (data as KbMoved).movedTo === 'string' && !(data as KbArticlePage).article;

/** The slug an answer `{ movedTo }` points at (a bare slug, or a path ending in one). */
export function movedSlug(movedTo: string): string {
  const last = movedTo.replace(/[?#].*$/, '').split('/').filter(Boolean).pop() ?? movedTo;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export const errorText = (e: unknown, fallback = 'Something went wrong. Try again.') =>
  e instanceof ApiError ? e.message : fallback;

export type Load<T> =
  | { status: 'loading'; data?: T; path?: string }
  | { status: 'ready'; data: T; path: string }
  | { status: 'failed'; error: unknown; message: string; path: string };

/**
 * GETs `{base}/api{path}` whenever `path` changes (null: nothing), keeping what was shown
 * while the next answer loads (`path` in the answer tells which request it belongs to);
 * only the latest answer is used.
 */
export function useKbLoad<T>(path: string | null): Load<T> & { retry: () => void } {
  const { request } = useSession();
  const [load, setLoad] = useState<Load<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const id = ++latest.current;
    setLoad((l) => (l.status === 'failed' ? { status: 'loading' } : { status: 'loading', data: l.data, path: l.path }));
    request<T>(path).then(
      (data) => id === latest.current && setLoad({ status: 'ready', data, path }),
      (e: unknown) => id === latest.current && setLoad({ status: 'failed', error: e, message: errorText(e), path }),
    );
  }, [path, attempt, request]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...load, retry };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/** Not found, or an address no article or topic can have (the server refuses such a slug as invalid). */
export const isNotFound = (e: unknown) =>
  e instanceof ApiError && (e.status === 404 || e.code === 'not_found' || e.code === 'validation_failed');

/** "March 3, 2025", with the full time as tooltip. */
export function KbDate({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {new Date(iso).toLocaleDateString(undefined, { dateStyle: 'long' })}
    </time>
  );
}

/** A search snippet: the matching words in <mark>, everything as text (never as HTML). */
export function Snippet({ parts, className = 'kb-snippet', as: Tag = 'p' }: { parts: SnippetPart[]; className?: string; as?: 'p' | 'span' }) {
  if (!parts.length) return null;
  // A fragment cut mid-sentence reads better with an ellipsis at the cut.
  const first = parts[0]!.text.trimStart();
  const last = parts[parts.length - 1]!.text.trimEnd();
  const cutBefore = /^\p{Ll}/u.test(first);
  const cutAfter = !/[.!?…:;)]$/.test(last);
  return (
    <Tag className={className}>
      {cutBefore && '… '}
      {parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
      {cutAfter && ' …'}
    </Tag>
  );
}

export function Breadcrumb({ items }: { items: { label: string; to?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="kb-breadcrumb">
      <ol>
        {items.map((item, i) => (
          <li key={i}>
            {item.to ? (
              <Link to={item.to}>{item.label}</Link>
            ) : (
              <span aria-current="page">{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The search form of the help center: a labelled search field and its button. */
export function KbSearchForm({
  value,
  onChange,
  onSubmit,
  label = 'Search help articles',
  large = false,
  inputRef,
  describedBy,
  onKeyDown,
}: {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (q: string) => void;
  label?: string;
  large?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(value.trim());
  };
  return (
    <form role="search" className={large ? 'kb-search kb-search-large' : 'kb-search'} onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <span className="kb-search-icon" aria-hidden="true">
        <SearchIcon />
      </span>
      <input
        ref={inputRef}
        id={id}
        type="search"
        name="q"
        placeholder="Describe your question, like “printer offline”"
        value={value}
        maxLength={KB_QUERY_MAX}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
}

export function SearchIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </svg>
  );
}

function DocIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.9" strokeLinejoin="round">
      <path d="M6 3h8l4 4v14H6z" />
      <path d="M14 3v4h4M9 12h6M9 16h6" strokeLinecap="round" />
    </svg>
  );
}

/** Article summaries (a category, "popular", "related") as a list of links. */
export function ArticleList({
  items,
  label,
  showCategory = false,
  compact = false,
}: {
  items: KbArticleSummary[];
  label?: string;
  showCategory?: boolean;
  compact?: boolean;
}) {
  return (
    <ul className={compact ? 'kb-articles is-compact' : 'kb-articles'} aria-label={label}>
      {items.map((a) => (
        <li key={a.id} className="kb-article-item">
          <span className="kb-article-icon" aria-hidden="true">
            <DocIcon />
          </span>
          <div className="kb-article-text">
            <Link to={kbArticlePath(a.slug)} className="kb-article-link">
              {a.title}
            </Link>
            {!compact && a.excerpt && <p className="kb-excerpt">{a.excerpt}</p>}
            {!compact && (
              <p className="kb-meta">
                {showCategory && <span>{a.categoryName}</span>}
                <span>
                  Updated <KbDate iso={a.updatedAt} />
                </span>
              </p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Search hits, in the server's order, with their snippets. */
export function HitList({ items, headingLevel = 2, label }: { items: KbSearchHit[]; headingLevel?: 2 | 3; label?: string }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ol className="kb-hits" aria-label={label}>
      {items.map((hit) => (
        <li key={hit.id} className="kb-hit">
          <H className="kb-hit-title">
            <Link to={kbArticlePath(hit.slug)} className="kb-article-link">
              {hit.title}
            </Link>
          </H>
          <Snippet parts={hit.snippet} />
          <p className="kb-meta">
            <span>{hit.categoryName}</span>
            <span>
              Updated <KbDate iso={hit.updatedAt} />
            </span>
          </p>
        </li>
      ))}
    </ol>
  );
}

/**
 * The article's rendered HTML (sanitised by the server). Wide tables and code blocks scroll
 * on their own, reachable by keyboard. Links to other pages of this portal stay in the app;
 * with `linksInNewTab` (inside the suggestion dialog, where leaving would lose the ticket
 * draft) every link opens in a new tab.
 */
export function ArticleBody({ html, linksInNewTab = false }: { html: string; linksInNewTab?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const { base } = useSession();
  const navigate = useNavigate();

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    for (const table of Array.from(root.querySelectorAll('table'))) {
      if (table.parentElement?.classList.contains('kb-table-wrap')) continue;
      const wrap = document.createElement('div');
      wrap.className = 'kb-table-wrap';
      wrap.tabIndex = 0;
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', 'Table');
      table.replaceWith(wrap);
      wrap.append(table);
    }
    for (const pre of Array.from(root.querySelectorAll('pre'))) pre.tabIndex = 0;
    if (linksInNewTab) {
      for (const a of Array.from(root.querySelectorAll<HTMLAnchorElement>('a[href]'))) {
        if (a.getAttribute('href')?.startsWith('#')) continue;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
    }
  }, [html, linksInNewTab]);

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (linksInNewTab || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest('a[href]');
    if (!(a instanceof HTMLAnchorElement) || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    const inside = routerPath(base, url.pathname + url.search);
    if (inside === null || (url.hash && url.pathname === window.location.pathname)) return;
    e.preventDefault();
    navigate(inside + url.hash);
  };

  // The server renders and sanitises `html`.
  return <div ref={ref} className="kb-body" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * "Was this article helpful? Yes / No". The answer shows at once with thanks; another click
 * changes it. Works signed out too (the server remembers the browser's vote).
 */
export function VoteBox({
  slug,
  initial,
  onVote,
  afterNo,
}: {
  slug: string;
  initial: KbVote;
  onVote?: (vote: KbVote) => void;
  /** Shown after "No": what to do next (say, create a ticket). */
  afterNo?: ReactNode;
}) {
  const { request } = useSession();
  const [vote, setVote] = useState<KbVote>(initial);
  const [counts, setCounts] = useState<{ helpful: number; notHelpful: number } | null>(null);
  const [justVoted, setJustVoted] = useState(false);
  const [busy, setBusy] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  const cast = async (helpful: boolean) => {
    setBusy(helpful);
    setError(null);
    try {
      const result = await request<KbVoteResult>(`/kb/articles/${encodeURIComponent(slug)}/vote`, {
        method: 'POST',
        body: { helpful },
      });
      setVote(result.myVote);
      setCounts({ helpful: result.helpful, notHelpful: result.notHelpful });
      setJustVoted(true);
      onVote?.(result.myVote);
    } catch (e) {
      setError(errorText(e, 'Your answer could not be saved. Try again.'));
    } finally {
      setBusy(null);
    }
  };

  const total = counts ? counts.helpful + counts.notHelpful : 0;
  return (
    <section className={vote ? 'kb-vote has-vote' : 'kb-vote'} aria-labelledby={titleId}>
      <div className="kb-vote-row">
        <h2 id={titleId} className="kb-vote-title">
          Was this article helpful?
        </h2>
        <div className="kb-vote-buttons" role="group" aria-labelledby={titleId}>
          {([true, false] as const).map((helpful) => {
            const pressed = vote === (helpful ? 'helpful' : 'not_helpful');
            return (
              <button
                key={String(helpful)}
                type="button"
                className={pressed ? 'btn kb-vote-btn is-pressed' : 'btn kb-vote-btn'}
                aria-pressed={pressed}
                disabled={busy !== null}
                onClick={() => cast(helpful)}
              >
                {busy === helpful ? <Spinner /> : pressed && <span aria-hidden="true">✓</span>}
                {helpful ? 'Yes' : 'No'}
              </button>
            );
          })}
        </div>
      </div>
      <div role="status" className="kb-vote-status">
        {vote && (
          <>
            <p className="kb-vote-thanks">
              <span aria-hidden="true" className="check-icon">
                ✓
              </span>
              <span>
                {justVoted ? 'Thanks for your feedback! ' : ''}
                {vote === 'helpful' ? 'You found this article helpful.' : 'You said this article didn’t help.'}
                {' '}
                <span className="muted">You can change your answer.</span>
              </span>
            </p>
            {counts && total > 1 && (
              <p className="kb-vote-counts muted">
                {counts.helpful} of {total} people found this helpful.
              </p>
            )}
            {vote === 'not_helpful' && afterNo}
          </>
        )}
      </div>
      {error && (
        <p className="alert alert-error kb-vote-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The card at the end of help pages: still stuck? a ticket (signed in) or sign in first. */
export function StillNeedHelp({ compact = false }: { compact?: boolean }) {
  const { contact, workspace } = useSession();
  const canCreate = workspace.settings.ticketCreation;
  const titleId = useId();
  return (
    <aside className={compact ? 'kb-help-card is-compact' : 'kb-help-card'} aria-labelledby={titleId}>
      <h2 id={titleId} className="kb-help-title">
        Still need help?
      </h2>
      {canCreate ? (
        <>
          <p>
            {contact
              ? 'Create a ticket and the support team will get back to you.'
              : 'Sign in to create a ticket, and the support team will get back to you.'}
          </p>
          <Link to="/tickets/new" className="btn btn-primary">
            {contact ? 'Create a ticket' : 'Sign in to create a ticket'}
          </Link>
        </>
      ) : (
        <p>Contact your support team directly.</p>
      )}
    </aside>
  );
}

/** While a help page loads. */
export function KbLoading({ children }: { children: ReactNode }) {
  return (
    <div className="kb-loading card" aria-busy="true">
      <p role="status" className="working">
        <Spinner /> {children}
      </p>
    </div>
  );
}
