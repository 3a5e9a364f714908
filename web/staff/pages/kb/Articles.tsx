/** Knowledge base → Articles: every article (drafts too), searchable and filtered by status. */
import { useEffect, useState, type MouseEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { KbStatus, StaffKbArticleSummary } from '../../../../contracts/kb.ts';
import { ErrorAlert, Loading, PageHeading, TimeAgo } from '../../components.tsx';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { KbStatusBadge, KbTabs, VisibilityBadge, plural } from './shared.tsx';

type StatusFilter = '' | KbStatus;
const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'draft', label: 'Drafts' },
  { value: 'published', label: 'Published' },
];

const parseStatus = (raw: string | null): StatusFilter => (raw === 'draft' || raw === 'published' ? raw : '');

function listSearch(q: string, status: StatusFilter): string {
  const p = new URLSearchParams();
  if (q.trim()) p.set('q', q.trim());
  if (status) p.set('status', status);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function KbArticlesPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const status = parseStatus(params.get('status'));
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  usePageTitle(`Knowledge base${status ? ` – ${status === 'draft' ? 'Drafts' : 'Published'}` : ''}`);

  // Follow the URL when it changes from elsewhere (back button, a tab).
  useEffect(() => {
    setDraft((d) => (d.trim() === q.trim() ? d : q));
  }, [q]);
  // Search as you type, without a history entry per keystroke.
  useEffect(() => {
    if (draft.trim() === q.trim()) return;
    const t = window.setTimeout(() => setParams(new URLSearchParams(listSearch(draft, status)), { replace: true }), 300);
    return () => window.clearTimeout(t);
  }, [draft]);

  const api = `/kb/articles?${new URLSearchParams({ ...(q.trim() ? { q: q.trim() } : {}), ...(status ? { status } : {}) }).toString()}`;
  const list = useLoad<{ items: StaffKbArticleSummary[] }>(api);
  const items = list.data?.items;

  const openRow = (e: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((e.target as HTMLElement).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    navigate(`/kb/${id}`);
  };

  return (
    <div className="page page-wide kb-page">
      <div className="page-head">
        <PageHeading>Knowledge base</PageHeading>
        <Link to="/kb/new" className="btn btn-primary">
          <span aria-hidden="true">+ </span>New article
        </Link>
      </div>
      <KbTabs />
      <section className="filters card kb-filters" aria-label="Filters">
        <div className="filters-row">
          <form
            role="search"
            className="filter-search"
            onSubmit={(e) => {
              e.preventDefault();
              setParams(new URLSearchParams(listSearch(draft, status)));
            }}
          >
            <label htmlFor="kb-search" className="visually-hidden">
              Search article titles
            </label>
            <input id="kb-search" type="search" placeholder="Search titles" value={draft} onChange={(e) => setDraft(e.target.value)} />
          </form>
          <nav aria-label="Filter by status" className="chips kb-status-filter">
            {FILTERS.map((f) => (
              <Link
                key={f.value || 'all'}
                to={`/kb${listSearch(q, f.value)}`}
                className="view-tab"
                aria-current={f.value === status ? 'page' : undefined}
              >
                {f.label}
              </Link>
            ))}
          </nav>
        </div>
      </section>
      {!items ? (
        list.error ? (
          <div>
            <ErrorAlert error={list.error} />
            <button type="button" className="btn" onClick={list.reload}>
              Try again
            </button>
          </div>
        ) : (
          <Loading what="articles" />
        )
      ) : (
        <>
          {list.error ? <ErrorAlert error={list.error} /> : null}
          <p className="result-count" role="status">
            {items.length === 0 ? 'No articles' : plural(items.length, 'article')}
          </p>
          {items.length === 0 ? (
            <div className="empty card">
              {q || status ? (
                <p>No articles match{q ? ` “${q}”` : ''}{status ? ` among ${status === 'draft' ? 'drafts' : 'published articles'}` : ''}.</p>
              ) : (
                <>
                  <p>No articles yet. Answers you give often make good articles: customers find them before they open a ticket.</p>
                  <p>
                    <Link to="/kb/new" className="btn btn-primary">
                      Write the first article
                    </Link>
                  </p>
                </>
              )}
            </div>
          ) : (
            <div className={`table-wrap card${list.loading ? ' is-loading' : ''}`} aria-busy={list.loading}>
              <table className="kb-table">
                <caption className="visually-hidden">Knowledge base articles</caption>
                <thead>
                  <tr>
                    <th scope="col" className="col-title">
                      Title
                    </th>
                    <th scope="col" className="col-category">
                      Category
                    </th>
                    <th scope="col" className="col-status">
                      Status
                    </th>
                    <th scope="col" className="col-visibility">
                      Visibility
                    </th>
                    <th scope="col" className="col-updated">
                      Updated
                    </th>
                    <th scope="col" className="num col-views">
                      Views
                    </th>
                    <th scope="col" className="num col-votes">
                      <span aria-hidden="true">Helpful / not</span>
                      <span className="visually-hidden">Helpful and not helpful votes</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => (
                    <tr key={a.id} className="queue-row" onClick={(e) => openRow(e, a.id)}>
                      <td className="col-title">
                        <Link to={`/kb/${a.id}`} className="subject-link">
                          {a.title || 'Untitled'}
                        </Link>
                        <span className="row-meta kb-row-meta">
                          <span className="kb-row-badges">
                            <KbStatusBadge status={a.status} /> <VisibilityBadge visibility={a.visibility} />
                          </span>
                          <span>
                            {a.categoryName} · {plural(a.views, 'view')} · updated <TimeAgo iso={a.updatedAt} />
                          </span>
                        </span>
                      </td>
                      <td className="col-category">{a.categoryName}</td>
                      <td className="col-status">
                        <KbStatusBadge status={a.status} />
                      </td>
                      <td className="col-visibility">
                        <VisibilityBadge visibility={a.visibility} />
                      </td>
                      <td className="col-updated">
                        <TimeAgo iso={a.updatedAt} />
                      </td>
                      <td className="num col-views">{a.views}</td>
                      <td className="num col-votes">
                        <Votes helpful={a.helpful} notHelpful={a.notHelpful} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

/** "12 👍 / 3 👎" as text with the words for screen readers. */
export function Votes({ helpful, notHelpful }: { helpful: number; notHelpful: number }) {
  return (
    <span className="kb-votes">
      <span className="kb-vote-up">
        {helpful}
        <span className="visually-hidden"> helpful</span>
      </span>
      <span aria-hidden="true" className="kb-vote-sep">
        /
      </span>
      <span className="kb-vote-down">
        {notHelpful}
        <span className="visually-hidden"> not helpful</span>
      </span>
    </span>
  );
}
