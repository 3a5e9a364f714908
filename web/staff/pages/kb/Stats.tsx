/** Knowledge base → Statistics: which articles are read and help, and what people searched for in vain. */
import { useState } from 'react';
import { Link } from 'react-router';
import type { KbStats, StaffKbArticleSummary } from '../../../../contracts/kb.ts';
import { ErrorAlert, Loading, PageHeading, TimeAgo } from '../../components.tsx';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { KbStatusBadge, KbTabs } from './shared.tsx';
import { Votes } from './Articles.tsx';

type SortKey = 'views' | 'helpful' | 'notHelpful' | 'deflections';
const SORTS: { key: SortKey; label: string }[] = [
  { key: 'views', label: 'Views' },
  { key: 'helpful', label: 'Helpful votes' },
  { key: 'notHelpful', label: 'Not helpful votes' },
  { key: 'deflections', label: 'Tickets avoided' },
];

/** Share of votes that were "helpful", or null without votes. */
const helpfulShare = (a: StaffKbArticleSummary) => (a.helpful + a.notHelpful > 0 ? a.helpful / (a.helpful + a.notHelpful) : null);

export function KbStatsPage() {
  usePageTitle('Knowledge base – Statistics');
  const stats = useLoad<KbStats>('/kb/stats');
  const [sort, setSort] = useState<SortKey>('views');
  const data = stats.data;
  const articles = data ? [...data.articles].sort((a, b) => b[sort] - a[sort] || b.views - a.views || a.title.localeCompare(b.title)) : [];
  const totals = articles.reduce(
    (t, a) => ({ views: t.views + a.views, helpful: t.helpful + a.helpful, notHelpful: t.notHelpful + a.notHelpful, deflections: t.deflections + a.deflections }),
    { views: 0, helpful: 0, notHelpful: 0, deflections: 0 },
  );

  return (
    <div className="page page-wide kb-page">
      <div className="page-head">
        <PageHeading>Knowledge base</PageHeading>
      </div>
      <KbTabs />
      {!data ? (
        stats.error ? (
          <div>
            <ErrorAlert error={stats.error} />
            <button type="button" className="btn" onClick={stats.reload}>
              Try again
            </button>
          </div>
        ) : (
          <Loading what="statistics" />
        )
      ) : (
        <div className="kb-stats">
          <dl className="kb-totals" aria-label="Totals">
            <div className="card">
              <dt>Views</dt>
              <dd>{totals.views}</dd>
            </div>
            <div className="card">
              <dt>Helpful</dt>
              <dd>{totals.helpful}</dd>
            </div>
            <div className="card">
              <dt>Not helpful</dt>
              <dd>{totals.notHelpful}</dd>
            </div>
            <div className="card">
              <dt>Tickets avoided</dt>
              <dd>{totals.deflections}</dd>
            </div>
          </dl>

          <section className="section" aria-labelledby="failed-heading">
            <h2 id="failed-heading" className="section-title">
              Searches that found nothing
            </h2>
            <p className="muted small kb-section-intro">What people looked for in the portal without finding an article, most frequent first: what to write next.</p>
            {data.failedSearches.length === 0 ? (
              <div className="empty card">
                <p>Every search found something so far.</p>
              </div>
            ) : (
              <div className="table-wrap card">
                <table className="kb-failed-table">
                  <caption className="visually-hidden">Searches that found nothing</caption>
                  <thead>
                    <tr>
                      <th scope="col">Search</th>
                      <th scope="col" className="num">
                        Times
                      </th>
                      <th scope="col" className="col-updated col-last">
                        Last
                      </th>
                      <th scope="col">
                        <span className="visually-hidden">Action</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.failedSearches.map((s) => (
                      <tr key={s.query}>
                        <td className="kb-query break">
                          “{s.query}”
                          <span className="row-meta">
                            last <TimeAgo iso={s.lastAt} />
                          </span>
                        </td>
                        <td className="num">{s.count}</td>
                        <td className="col-updated col-last">
                          <TimeAgo iso={s.lastAt} />
                        </td>
                        <td className="kb-write-cell">
                          <Link to="/kb/new" state={{ title: s.query.charAt(0).toUpperCase() + s.query.slice(1) }} className="btn btn-small">
                            Write<span className="visually-hidden"> an article about “{s.query}”</span>
                          </Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="section" aria-labelledby="articles-heading">
            <div className="kb-section-head">
              <h2 id="articles-heading" className="section-title">
                Articles
              </h2>
              <div className="filter-select">
                <label htmlFor="kb-stats-sort">Sort by</label>
                <select id="kb-stats-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                  {SORTS.map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <p className="muted small kb-section-intro">
              “Tickets avoided”: people who opened the article from the suggestions while writing a ticket, then left without
              submitting it.
            </p>
            {articles.length === 0 ? (
              <div className="empty card">
                <p>No articles yet.</p>
              </div>
            ) : (
              <div className="table-wrap card">
                <table className="kb-stats-table">
                  <caption className="visually-hidden">Articles by {SORTS.find((s) => s.key === sort)!.label.toLowerCase()}</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="col-title">
                        Article
                      </th>
                      <th scope="col" className="num" aria-sort={sort === 'views' ? 'descending' : undefined}>
                        Views
                      </th>
                      <th scope="col" className="num" aria-sort={sort === 'helpful' || sort === 'notHelpful' ? 'descending' : undefined}>
                        <span aria-hidden="true">Helpful / not</span>
                        <span className="visually-hidden">Helpful and not helpful votes</span>
                      </th>
                      <th scope="col" className="num col-share">
                        Helpful %
                      </th>
                      <th scope="col" className="num" aria-sort={sort === 'deflections' ? 'descending' : undefined}>
                        <span aria-hidden="true">Avoided</span>
                        <span className="visually-hidden">Tickets avoided</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {articles.map((a) => {
                      const share = helpfulShare(a);
                      return (
                        <tr key={a.id}>
                          <td className="col-title">
                            <Link to={`/kb/${a.id}`} className="subject-link">
                              {a.title || 'Untitled'}
                            </Link>
                            <span className="kb-stats-meta">
                              {a.status === 'draft' && <KbStatusBadge status="draft" />} <span className="muted small">{a.categoryName}</span>
                            </span>
                          </td>
                          <td className="num">{a.views}</td>
                          <td className="num">
                            <Votes helpful={a.helpful} notHelpful={a.notHelpful} />
                          </td>
                          <td className="num col-share">
                            {share === null ? (
                              <span className="muted" aria-label="No votes">
                                –
                              </span>
                            ) : (
                              <span className={share < 0.5 ? 'kb-share-low' : undefined}>{Math.round(share * 100)}%</span>
                            )}
                          </td>
                          <td className="num">{a.deflections}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
