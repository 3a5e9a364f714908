import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { KbSearchResult } from '../../../contracts/kb.ts';
import { LoadFailed, PageHeading } from '../components/bits.tsx';
import { Breadcrumb, HitList, KB_PAGE_SIZE, KbLoading, KbSearchForm, kbSearchPath, useKbLoad } from '../components/kb.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** Search results, ranked by the server, 10 a page. */
export function KbSearchPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const q = (params.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  usePageTitle(q ? `“${q}” · Help center` : 'Search · Help center');

  const path = q ? `/kb/search?${new URLSearchParams({ q, page: String(page) })}` : null;
  const load = useKbLoad<KbSearchResult>(path);
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  // Another page of results: back to the top of the list.
  const firstPage = useRef(page);
  useEffect(() => {
    if (firstPage.current === page) return;
    firstPage.current = page;
    window.scrollTo(0, 0);
  }, [page]);

  const current = path && load.status !== 'failed' && load.data ? load.data : undefined;
  const stale = load.status === 'loading' || load.path !== path;

  return (
    <div className="kb">
      <Breadcrumb items={[{ label: 'Help center', to: '/kb' }, { label: 'Search' }]} />
      <PageHeading>{q ? 'Search results' : 'Search the help center'}</PageHeading>
      <div className="kb-search-bar">
        <KbSearchForm value={text} onChange={setText} onSubmit={(value) => navigate(value ? kbSearchPath(value) : '/kb/search')} />
      </div>
      {!q ? (
        <p className="page-intro">Type a few words about your question, like “reset password” or “printer offline”.</p>
      ) : load.status === 'failed' && load.path === path ? (
        <LoadFailed onRetry={load.retry}>Searching did not work. {load.message}</LoadFailed>
      ) : !current ? (
        <KbLoading>Searching…</KbLoading>
      ) : (
        <div aria-busy={stale} className={stale ? 'is-refreshing' : undefined}>
          <Summary data={current} q={q} />
          {current.items.length === 0 ? (
            current.total > 0 ? (
              <div className="empty-state card">
                <h2>This page is empty</h2>
                <p>There are fewer results than this page number suggests.</p>
                <Link to={kbSearchPath(q)} className="btn">
                  Go to the first page
                </Link>
              </div>
            ) : (
              <NoResults q={q} />
            )
          ) : (
            <>
              <div className="card kb-list-card">
                <HitList items={current.items} label={`Articles matching “${q}”, best match first`} />
              </div>
              <Pagination data={current} q={q} />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Summary({ data, q }: { data: KbSearchResult; q: string }) {
  const size = data.pageSize || KB_PAGE_SIZE;
  const from = (data.page - 1) * size + 1;
  const to = from + data.items.length - 1;
  const text =
    data.items.length === 0
      ? ''
      : data.total <= size
        ? `${data.total} ${data.total === 1 ? 'article matches' : 'articles match'} “${q}”`
        : `Showing ${from}–${to} of ${data.total} articles matching “${q}”`;
  return (
    <p className="result-summary" role="status">
      {text}
    </p>
  );
}

function NoResults({ q }: { q: string }) {
  const { contact, workspace } = useSession();
  return (
    <div className="empty-state card" role="status">
      <h2>No articles match “{q}”</h2>
      <p>
        Try other words, or fewer of them.
        {workspace.settings.ticketCreation && (
          <>
            {' '}
            Still stuck?{' '}
            <Link to="/tickets/new">{contact ? 'Create a ticket' : 'Sign in to create a ticket'}</Link>
            {' '}and the support team will help.
          </>
        )}
      </p>
      <Link to="/kb" className="btn">
        Browse all topics
      </Link>
    </div>
  );
}

function Pagination({ data, q }: { data: KbSearchResult; q: string }) {
  const pages = Math.max(1, Math.ceil(data.total / (data.pageSize || KB_PAGE_SIZE)));
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      {data.page > 1 ? (
        <Link className="btn" to={kbSearchPath(q, data.page - 1)}>
          <span aria-hidden="true">←</span> Previous
        </Link>
      ) : (
        <span className="btn" aria-disabled="true">
          <span aria-hidden="true">←</span> Previous
        </span>
      )}
      <span className="pagination-where">
        Page {data.page} of {pages}
      </span>
      {data.page < pages ? (
        <Link className="btn" to={kbSearchPath(q, data.page + 1)}>
          Next <span aria-hidden="true">→</span>
        </Link>
      ) : (
        <span className="btn" aria-disabled="true">
          Next <span aria-hidden="true">→</span>
        </span>
      )}
    </nav>
  );
}
