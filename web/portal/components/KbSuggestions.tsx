/**
 * Help articles suggested while a contact writes a new ticket, each opening in a dialog over
 * the form (so the draft stays), and the "deflection" record: a suggestion was opened and
 * the contact then left without submitting the ticket.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { KbArticlePage, KbSearchHit } from '../../../contracts/kb.ts';
import { getCsrfToken } from '../../ui/api.ts';
import { useSession } from '../session.tsx';
import { LoadFailed, Spinner } from './bits.tsx';
import {
  ArticleBody,
  errorText,
  isMoved,
  isNotFound,
  KB_QUERY_MAX,
  KbDate,
  kbArticlePath,
  movedSlug,
  Snippet,
  useDebounced,
  VoteBox,
  type KbMoved,
  type KbVote,
} from './kb.tsx';

const SUGGEST_MAX = 5;
/** Words of the description added to the subject for the query. */
const DESCRIPTION_WORDS = 20;

/** What the suggestions are searched with: the subject and the start of the description. */
export function suggestQuery(subject: string, description: string): string {
  const words = description.trim().split(/\s+/).filter(Boolean).slice(0, DESCRIPTION_WORDS).join(' ');
  return `${subject.trim()} ${words}`.trim().slice(0, KB_QUERY_MAX).trim();
}

type Opened = { articleId: string; query: string; helpful: boolean };

/**
 * Records a deflection once, when the page is left (another page of the app, or the tab
 * closed or navigated away) after a suggestion was opened, unless the ticket was submitted.
 */
export function useDeflection() {
  const { base } = useSession();
  const state = useRef<{ opened: Opened | null; submitting: boolean; done: boolean }>({ opened: null, submitting: false, done: false });

  const send = useCallback(() => {
    const s = state.current;
    if (!s.opened || s.submitting || s.done) return;
    s.done = true;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const csrf = getCsrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
    // keepalive: the request outlives the page when the tab is closing.
    fetch(`${base}/api/kb/deflections`, {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers,
      body: JSON.stringify({ articleId: s.opened.articleId, query: s.opened.query }),
    }).catch(() => {
      // Best effort.
    });
  }, [base]);

  useEffect(() => {
    window.addEventListener('pagehide', send);
    return () => {
      window.removeEventListener('pagehide', send);
      send(); // left for another page of the app
    };
  }, [send]);

  return {
    /** A suggestion was opened (the last one opened counts, unless one was marked helpful). */
    opened: useCallback((articleId: string, query: string) => {
      const s = state.current;
      if (s.opened?.helpful && s.opened.articleId !== articleId) return;
      s.opened = { articleId, query, helpful: s.opened?.articleId === articleId && s.opened.helpful };
    }, []),
    voted: useCallback((articleId: string, vote: KbVote) => {
      const s = state.current;
      if (s.opened?.articleId === articleId) s.opened.helpful = vote === 'helpful';
    }, []),
    /** The ticket is being sent (false again if that failed). */
    submitting: useCallback((busy: boolean) => {
      state.current.submitting = busy;
    }, []),
    /** The ticket was created: nothing is recorded. */
    submitted: useCallback(() => {
      state.current.done = true;
    }, []),
  };
}

export type Deflection = ReturnType<typeof useDeflection>;

type Suggestions = { query: string; items: KbSearchHit[] };

/** The panel beside the form (below it on phones). */
export function KbSuggestions({
  subject,
  description,
  deflection,
  headingId,
  onCount,
}: {
  subject: string;
  description: string;
  deflection: Deflection;
  /** The panel's heading, for a "see below" link on phones (it takes focus). */
  headingId?: string;
  onCount?: (count: number) => void;
}) {
  const { request } = useSession();
  const query = useDebounced(suggestQuery(subject, description), 300);
  const subjectRef = useRef(subject);
  subjectRef.current = subject;
  const [shown, setShown] = useState<Suggestions>({ query: '', items: [] });
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const [openHit, setOpenHit] = useState<{ hit: KbSearchHit; query: string } | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const ownId = useId();
  const titleId = headingId ?? ownId;

  useEffect(() => {
    const id = ++latest.current;
    if (query.length < 3) {
      setShown({ query: '', items: [] });
      setLoading(false);
      return;
    }
    setLoading(true);
    const suggest = async (q: string) =>
      (await request<{ items: KbSearchHit[] }>(`/kb/suggest?${new URLSearchParams({ q })}`)).items;
    // Every word of the query has to match, so the description's words can leave nothing
    // that the subject alone would find: then the subject alone is asked.
    const subjectOnly = subjectRef.current.trim().slice(0, KB_QUERY_MAX).trim();
    const run = async (): Promise<Suggestions> => {
      const items = await suggest(query);
      const retry = !items.length && subjectOnly.length >= 3 && subjectOnly !== query && query.startsWith(subjectOnly);
      if (!retry || id !== latest.current) return { query, items };
      return { query: subjectOnly, items: await suggest(subjectOnly) };
    };
    run().then(
      (found) => {
        if (id !== latest.current) return;
        setShown({ query: found.query, items: found.items.slice(0, SUGGEST_MAX) });
        setLoading(false);
      },
      () => {
        // Suggestions are a help, not part of the form: keep what was shown.
        if (id === latest.current) setLoading(false);
      },
    );
  }, [query, request]);

  const open = (hit: KbSearchHit, button: HTMLElement) => {
    opener.current = button;
    deflection.opened(hit.id, shown.query);
    setOpenHit({ hit, query: shown.query });
  };
  const close = () => {
    setOpenHit(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  const count = shown.items.length;
  useEffect(() => onCount?.(count), [count, onCount]);
  const noMatch = !count && shown.query !== '' && !loading;
  return (
    <>
      {/* Outside the panel, which phones hide while it is empty. */}
      <p role="status" className="visually-hidden">
        {count ? `${count} ${count === 1 ? 'help article' : 'help articles'} might help with this. They are listed after the form.` : ''}
      </p>
      <aside className={count ? 'kb-suggest has-items' : 'kb-suggest'} aria-labelledby={titleId}>
        <div className="kb-suggest-head">
          <h2 id={titleId} className="kb-suggest-title" tabIndex={-1}>
            {count ? 'These articles might help' : 'Help articles'}
          </h2>
          {loading && <Spinner />}
        </div>
        {!count && (
          <p className="kb-suggest-empty">
            {noMatch
              ? 'No matching articles yet. Keep describing the problem.'
              : 'As you type the subject, articles that might solve the problem appear here.'}
          </p>
        )}
        {count > 0 && (
          <ul className="kb-suggest-list">
            {shown.items.map((hit) => (
              <SuggestionItem key={hit.id} hit={hit} onOpen={open} />
            ))}
          </ul>
        )}
        {openHit && (
          <KbArticleDialog
            slug={openHit.hit.slug}
            fallbackTitle={openHit.hit.title}
            onClose={close}
            onVote={(articleId, vote) => deflection.voted(articleId, vote)}
            onLoaded={(articleId) => deflection.opened(articleId, openHit.query)}
          />
        )}
      </aside>
    </>
  );
}

/** A suggestion: the title names the button, the snippet and topic describe it. */
function SuggestionItem({ hit, onOpen }: { hit: KbSearchHit; onOpen: (hit: KbSearchHit, button: HTMLElement) => void }) {
  const id = useId();
  return (
    <li>
      <button
        type="button"
        className="kb-suggest-item"
        aria-haspopup="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-about`}
        onClick={(e) => onOpen(hit, e.currentTarget)}
      >
        <span id={`${id}-title`} className="kb-suggest-item-title">
          {hit.title}
        </span>
        <span id={`${id}-about`}>
          <Snippet parts={hit.snippet} className="kb-suggest-snippet" as="span" />
          <span className="kb-suggest-item-meta">{hit.categoryName}</span>
        </span>
      </button>
    </li>
  );
}

type DialogLoad =
  | { status: 'loading' }
  | { status: 'ready'; data: KbArticlePage }
  | { status: 'failed'; message: string; notFound: boolean };

/** An article in a modal dialog over the ticket form: the body and the vote. */
export function KbArticleDialog({
  slug,
  fallbackTitle,
  onClose,
  onVote,
  onLoaded,
}: {
  slug: string;
  fallbackTitle: string;
  onClose: () => void;
  onVote?: (articleId: string, vote: KbVote) => void;
  onLoaded?: (articleId: string) => void;
}) {
  const { request, base } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [load, setLoad] = useState<DialogLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const titleId = useId();
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;

  useEffect(() => {
    const dialog = ref.current;
    // Unmounting takes it out of the top layer; closing here would report a close (StrictMode).
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  useEffect(() => {
    let live = true;
    setLoad({ status: 'loading' });
    const get = async (s: string, hops: number): Promise<KbArticlePage> => {
      const data = await request<KbArticlePage | KbMoved>(`/kb/articles/${encodeURIComponent(s)}`);
      if (isMoved(data)) {
        if (hops >= 3) throw new Error('moved too often');
        return get(movedSlug(data.movedTo), hops + 1);
      }
      return data;
    };
    get(slug, 0).then(
      (data) => {
        if (!live) return;
        setLoad({ status: 'ready', data });
        onLoadedRef.current?.(data.article.id);
      },
      (e: unknown) => live && setLoad({ status: 'failed', message: errorText(e, 'The article could not be loaded.'), notFound: isNotFound(e) }),
    );
    return () => {
      live = false;
    };
  }, [slug, attempt, request]);

  // Once the article is there, the reader starts at its title.
  useEffect(() => {
    if (load.status === 'ready') headingRef.current?.focus({ preventScroll: true });
  }, [load.status]);

  const article = load.status === 'ready' ? load.data.article : null;
  return (
    <dialog
      ref={ref}
      className="kb-dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog box itself, outside its content) closes it.
        if (e.target === ref.current) ref.current.close();
      }}
    >
      <div className="kb-dialog-inner">
        <header className="kb-dialog-head">
          <div className="kb-dialog-head-text">
            {article && <p className="kb-dialog-category">{article.category.name}</p>}
            <h2 id={titleId} ref={headingRef} tabIndex={-1} className="kb-dialog-title">
              {article?.title ?? fallbackTitle}
            </h2>
          </div>
          <button type="button" className="kb-dialog-close" aria-label="Close article" onClick={() => ref.current?.close()}>
            <span aria-hidden="true">×</span>
          </button>
        </header>
        <div className="kb-dialog-body">
          {load.status === 'loading' ? (
            <p className="working" role="status">
              <Spinner /> Loading the article…
            </p>
          ) : load.status === 'failed' ? (
            load.notFound ? (
              <p className="alert alert-info">This article is no longer available.</p>
            ) : (
              <LoadFailed onRetry={() => setAttempt((a) => a + 1)}>{load.message}</LoadFailed>
            )
          ) : (
            <>
              <p className="kb-article-meta">
                Updated <KbDate iso={load.data.article.updatedAt} />
              </p>
              <ArticleBody html={load.data.article.html} linksInNewTab />
              <VoteBox
                key={load.data.article.id}
                slug={load.data.article.slug}
                initial={load.data.myVote}
                onVote={(vote) => onVote?.(load.data.article.id, vote)}
                afterNo={<p className="kb-vote-next">Sorry about that. Close this article and send your ticket: the support team will help.</p>}
              />
            </>
          )}
        </div>
        <footer className="kb-dialog-foot">
          {article ? (
            <a href={`${base}${kbArticlePath(article.slug)}`} target="_blank" rel="noopener noreferrer" className="kb-dialog-newtab">
              Open in a new tab
            </a>
          ) : (
            <span />
          )}
          <button type="button" className="btn btn-primary" onClick={() => ref.current?.close()}>
            Back to my ticket
          </button>
        </footer>
      </div>
    </dialog>
  );
}
