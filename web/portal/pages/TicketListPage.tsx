import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Page, PortalTicketSummary, TicketStatus } from '../../../contracts/tickets.ts';
import { ApiError } from '../../ui/api.ts';
import { pageInfo, totalText } from '../../ui/format.ts';
import { useLiveTopic } from '../../ui/live.ts';
import { useLive } from '../live.tsx';
import { LoadFailed, PageHeading, Priority, StatusBadge, Time } from '../components/bits.tsx';
import { useContact, usePageTitle, useSession } from '../session.tsx';

/** The customer-facing filters and the statuses each one covers. */
const FILTERS = [
  { key: 'all', label: 'All', statuses: null },
  { key: 'open', label: 'Open', statuses: ['new', 'open', 'on_hold'] },
  { key: 'awaiting', label: 'Awaiting your reply', statuses: ['pending'] },
  { key: 'solved', label: 'Solved/closed', statuses: ['solved', 'closed'] },
] as const satisfies readonly { key: string; label: string; statuses: readonly TicketStatus[] | null }[];

type FilterKey = (typeof FILTERS)[number]['key'];
const filterOf = (key: string | null) => FILTERS.find((f) => f.key === key) ?? FILTERS[0];

type Load =
  | { status: 'loading'; data?: Page<PortalTicketSummary> }
  | { status: 'ready'; data: Page<PortalTicketSummary> }
  | { status: 'failed'; message: string };

export function TicketListPage() {
  const { workspace, request } = useSession();
  const contact = useContact();
  const isManager = contact.role === 'manager';
  const title = isManager ? `All tickets of ${contact.client.name}` : 'My tickets';
  usePageTitle(title);

  const [params, setParams] = useSearchParams();
  const filter = filterOf(params.get('status'));
  const q = (params.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // Only the answer to the latest request is shown (a live refresh may overtake a page change).
  const latestRequest = useRef(0);

  const fetchPage = useCallback(() => {
    const query = new URLSearchParams();
    if (filter.statuses) query.set('status', filter.statuses.join(','));
    if (q) query.set('q', q);
    query.set('page', String(page));
    return request<Page<PortalTicketSummary>>(`/tickets?${query}`);
  }, [request, filter, q, page]);

  useEffect(() => {
    const id = ++latestRequest.current;
    setLoad((l) => ({ status: 'loading', data: l.status === 'failed' ? undefined : l.data }));
    fetchPage()
      .then((data) => id === latestRequest.current && setLoad({ status: 'ready', data }))
      .catch((e: unknown) => {
        if (id === latestRequest.current) setLoad({ status: 'failed', message: e instanceof ApiError ? e.message : 'Something went wrong.' });
      });
  }, [fetchPage, attempt]);

  // Live: a ticket the contact can see changed (or events may have been missed while
  // offline): fetch the page again, quietly, at most once per burst of changes.
  const live = useLive();
  const [liveRefresh, setLiveRefresh] = useState(0);
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefresh = useCallback(() => {
    if (debounce.current) clearTimeout(debounce.current);
    debounce.current = setTimeout(() => setLiveRefresh((n) => n + 1), 250);
  }, []);
  useEffect(() => () => void (debounce.current && clearTimeout(debounce.current)), []);
  useLiveTopic(live, 'tickets', (frame) => frame.type === 'ticket.changed' && scheduleRefresh(), { onResync: scheduleRefresh });

  const fetchLatest = useRef(fetchPage);
  fetchLatest.current = fetchPage;
  useEffect(() => {
    if (liveRefresh === 0) return;
    const id = ++latestRequest.current;
    fetchLatest.current().then(
      (data) => id === latestRequest.current && setLoad({ status: 'ready', data }),
      (e: unknown) => {
        if (id !== latestRequest.current) return;
        // Keep what is shown; only a page that was still loading needs an answer.
        setLoad((l) =>
          l.status !== 'loading' ? l : l.data ? { status: 'ready', data: l.data } : { status: 'failed', message: e instanceof ApiError ? e.message : 'Something went wrong.' },
        );
      },
    );
  }, [liveRefresh]);

  /** Changes the query string; any change other than the page goes back to page 1. */
  const update = (changes: { status?: FilterKey; q?: string; page?: number }) => {
    const next = new URLSearchParams(params);
    if (changes.status !== undefined) {
      if (changes.status === 'all') next.delete('status');
      else next.set('status', changes.status);
    }
    if (changes.q !== undefined) {
      if (changes.q.trim()) next.set('q', changes.q.trim());
      else next.delete('q');
    }
    if (changes.page !== undefined && changes.page > 1) next.set('page', String(changes.page));
    else next.delete('page');
    setParams(next);
  };

  const data = load.status === 'failed' ? undefined : load.data;
  const filtered = filter.key !== 'all' || q !== '';

  return (
    <>
      <div className="page-header">
        <div>
          <PageHeading>{title}</PageHeading>
          <p className="page-intro">
            {isManager
              ? `As a manager you see every ticket raised by people at ${contact.client.name}.`
              : 'Tickets you raised or were copied on, most recently updated first.'}
          </p>
        </div>
        {workspace.settings.ticketCreation && (
          <Link to="/tickets/new" className="btn btn-primary page-header-action">
            <span aria-hidden="true" className="plus">
              +
            </span>
            New ticket
          </Link>
        )}
      </div>
      {!workspace.settings.ticketCreation && (
        <p className="alert alert-info">
          New tickets cannot be created in this portal. To ask for help with something new, contact your support team
          directly.
        </p>
      )}

      <div className="list-toolbar">
        <StatusFilter value={filter.key} onChange={(status) => update({ status })} />
        <SearchBox key={q} initial={q} onSearch={(text) => update({ q: text })} />
      </div>

      {load.status === 'failed' ? (
        <LoadFailed onRetry={() => setAttempt((a) => a + 1)}>Your tickets could not be loaded. {load.message}</LoadFailed>
      ) : !data ? (
        <div className="list-loading card" aria-busy="true">
          <p role="status">Loading tickets…</p>
        </div>
      ) : (
        <div aria-busy={load.status === 'loading'} className={load.status === 'loading' ? 'is-refreshing' : undefined}>
          <ResultSummary data={data} filterLabel={filter.key === 'all' ? null : filter.label} q={q} />
          {data.items.length === 0 ? (
            <EmptyState
              filtered={filtered}
              pastEnd={data.total > 0}
              canCreate={workspace.settings.ticketCreation}
              onReset={() => setParams(new URLSearchParams())}
              onFirstPage={() => update({ page: 1 })}
            />
          ) : (
            <>
              <TicketTable items={data.items} showRequester={isManager} />
              <TicketCards items={data.items} showRequester={isManager} />
              <Pagination data={data} onPage={(p) => update({ page: p })} />
            </>
          )}
        </div>
      )}
    </>
  );
}

function StatusFilter({ value, onChange }: { value: FilterKey; onChange: (key: FilterKey) => void }) {
  return (
    <div className="status-filter" role="group" aria-label="Filter by status">
      {FILTERS.map((f) => (
        <button
          key={f.key}
          type="button"
          className="filter-chip"
          aria-pressed={value === f.key}
          onClick={() => onChange(f.key)}
        >
          {f.label}
        </button>
      ))}
    </div>
  );
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(initial);
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form role="search" className="search-box" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        Search tickets
      </label>
      <input
        id={id}
        type="search"
        name="q"
        placeholder="Subject or #number"
        value={text}
        maxLength={200}
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn">
        Search
      </button>
      {initial && (
        <button type="button" className="btn btn-quiet" onClick={() => onSearch('')}>
          Clear search
        </button>
      )}
    </form>
  );
}

function ResultSummary({ data, filterLabel, q }: { data: Page<PortalTicketSummary>; filterLabel: string | null; q: string }) {
  const from = (data.page - 1) * data.pageSize + 1;
  const to = from + data.items.length - 1;
  const scope = [filterLabel && `“${filterLabel}”`, q && `matching “${q}”`].filter(Boolean).join(' ');
  const text =
    data.items.length === 0
      ? ''
      : `Showing ${from}–${to} of ${totalText(data)} ${data.total === 1 ? 'ticket' : 'tickets'}${scope ? ` ${scope}` : ''}`;
  return (
    <p className="result-summary" role="status">
      {text}
    </p>
  );
}

function TicketTable({ items, showRequester }: { items: PortalTicketSummary[]; showRequester: boolean }) {
  return (
    <div className="ticket-table-wrap card">
      <table className="ticket-table">
        <caption className="visually-hidden">Tickets, most recently updated first</caption>
        <thead>
          <tr>
            <th scope="col" className="col-number">
              Ticket
            </th>
            <th scope="col">Subject</th>
            {showRequester && <th scope="col">Requester</th>}
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col" className="col-updated">
              Last update
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.number}>
              <td className="col-number">#{t.number}</td>
              <td className="col-subject">
                <Link to={`/tickets/${t.number}`} className="row-link">
                  {t.subject}
                </Link>
              </td>
              {showRequester && <td className="col-requester">{t.requester.name}</td>}
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td>
                <Priority priority={t.priority} />
              </td>
              <td className="col-updated">
                <Time iso={t.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TicketCards({ items, showRequester }: { items: PortalTicketSummary[]; showRequester: boolean }) {
  return (
    <ul className="ticket-cards" aria-label="Tickets, most recently updated first">
      {items.map((t) => (
        <li key={t.number} className="ticket-card card">
          <div className="ticket-card-top">
            <span className="ticket-card-number">#{t.number}</span>
            <StatusBadge status={t.status} />
          </div>
          <Link to={`/tickets/${t.number}`} className="ticket-card-subject row-link">
            {t.subject}
          </Link>
          <div className="ticket-card-meta">
            <Priority priority={t.priority} />
            {showRequester && <span>{t.requester.name}</span>}
            <span>
              Updated <Time iso={t.updatedAt} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function Pagination({ data, onPage }: { data: Page<PortalTicketSummary>; onPage: (page: number) => void }) {
  const { pages, label, hasNext } = pageInfo(data);
  if (pages <= 1 && !hasNext) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button type="button" className="btn" disabled={data.page <= 1} onClick={() => onPage(data.page - 1)}>
        <span aria-hidden="true">←</span> Previous
      </button>
      <span className="pagination-where">
        Page {data.page} of {label}
      </span>
      <button type="button" className="btn" disabled={!hasNext} onClick={() => onPage(data.page + 1)}>
        Next <span aria-hidden="true">→</span>
      </button>
    </nav>
  );
}

function EmptyState(props: {
  filtered: boolean;
  pastEnd: boolean;
  canCreate: boolean;
  onReset: () => void;
  onFirstPage: () => void;
}) {
  if (props.pastEnd) {
    return (
      <div className="empty-state card">
        <h2>This page is empty</h2>
        <p>There are fewer tickets than this page number suggests.</p>
        <button type="button" className="btn" onClick={props.onFirstPage}>
          Go to the first page
        </button>
      </div>
    );
  }
  if (props.filtered) {
    return (
      <div className="empty-state card">
        <h2>No tickets match</h2>
        <p>Try another status or search term. You can search by words in the subject or by ticket number, like #42.</p>
        <button type="button" className="btn" onClick={props.onReset}>
          Show all tickets
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state card">
      <h2>No tickets yet</h2>
      {props.canCreate ? (
        <>
          <p>When something isn’t working or you need help, create a ticket and the support team will get back to you here.</p>
          <Link to="/tickets/new" className="btn btn-primary">
            Create your first ticket
          </Link>
        </>
      ) : (
        <p>Tickets the support team opens for you will appear here.</p>
      )}
    </div>
  );
}
