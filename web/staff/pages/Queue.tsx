import { useEffect, useId, useState, type MouseEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Page, StaffTicketSummary, TicketPriority, TicketStatus } from '../../../contracts/tickets.ts';
import { pageInfo, priorityLabel, staffStatusLabel, totalText } from '../../ui/format.ts';
import { ErrorAlert, Loading, PageHeading, Pagination, Priority, StatusBadge, TimeAgo } from '../components.tsx';
import { useClients, useStaffMembers } from '../directory.ts';
import {
  ALL_PRIORITIES,
  ALL_STATUSES,
  PRESET_VIEWS,
  UNSOLVED,
  filtersToApi,
  filtersToSearch,
  matchingView,
  parseFilters,
  type QueueFilters,
} from '../filters.ts';
import { rememberQueue, useLoad, usePageTitle, type Loaded } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { useTicketRefresh } from '../live.tsx';

export function QueuePage() {
  const [urlParams, setUrlParams] = useSearchParams();
  // The router applies URL changes in a transition; until it has, controls show the
  // filters just chosen rather than flicking back to the old ones.
  const [pending, setPending] = useState<URLSearchParams | null>(null);
  const urlSearch = urlParams.toString();
  useEffect(() => setPending(null), [urlSearch]);
  const params = pending ?? urlParams;
  const setParams = (next: URLSearchParams, opts?: { replace?: boolean }) => {
    setPending(next);
    setUrlParams(next, opts);
  };
  const filters = parseFilters(params);
  const view = matchingView(filters);
  const title = view?.name ?? 'Tickets';
  usePageTitle(filters.page > 1 ? `${title} (page ${filters.page})` : title);

  const list = useLoad<Page<StaffTicketSummary>>(`/tickets?${filtersToApi(filters)}`);
  // Any ticket changing may change this page of the list: read it again (debounced).
  useTicketRefresh('tickets', list.reload);
  useEffect(() => rememberQueue(urlSearch ? `/?${urlSearch}` : '/'), [urlSearch]);
  const update = (patch: Partial<QueueFilters>, replace = false) =>
    setParams(filtersToSearch({ ...filters, page: 1, ...patch }), { replace });
  const isDefault = filtersToSearch({ ...filters, page: 1 }).toString() === '';

  return (
    <div className="page page-wide">
      <div className="page-head">
        <PageHeading>{title}</PageHeading>
      </div>
      <nav aria-label="Ticket views" className="view-tabs phone-only">
        {PRESET_VIEWS.map((v) => (
          <Link key={v.id} to={`/${v.search}`} className="view-tab" aria-current={view?.id === v.id ? 'page' : undefined}>
            {v.name}
          </Link>
        ))}
      </nav>
      <FilterBar filters={filters} update={update} isDefault={isDefault} />
      <Results list={list} filters={filters} isDefault={isDefault} clear={() => setParams(new URLSearchParams())} />
    </div>
  );
}

function FilterBar({
  filters,
  update,
  isDefault,
}: {
  filters: QueueFilters;
  update: (patch: Partial<QueueFilters>, replace?: boolean) => void;
  isDefault: boolean;
}) {
  const { staff } = useSession();
  const members = useStaffMembers();
  const clients = useClients();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState(filters.q);

  // Follow the URL when it changes from elsewhere (a preset view, back button).
  useEffect(() => {
    setQ((draft) => (draft.trim() === filters.q.trim() ? draft : filters.q));
  }, [filters.q]);

  // Search as you type, without a history entry per keystroke.
  useEffect(() => {
    if (q.trim() === filters.q.trim()) return;
    const t = window.setTimeout(() => update({ q }, true), 350);
    return () => window.clearTimeout(t);
  }, [q]);

  const active = (filters.priority.length > 0 ? 1 : 0) + (filters.assignee ? 1 : 0) + (filters.client ? 1 : 0) +
    (filters.status.length === UNSOLVED.length && UNSOLVED.every((s) => filters.status.includes(s)) ? 0 : 1);

  const toggle = <T extends string>(list: T[], value: T): T[] =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  return (
    <section className={`filters card${open ? ' filters-open' : ''}`} aria-label="Filters">
      <div className="filters-row">
        <form
          role="search"
          className="filter-search"
          onSubmit={(e) => {
            e.preventDefault();
            update({ q });
          }}
        >
          <label htmlFor="queue-search" className="visually-hidden">
            Search tickets
          </label>
          <input
            id="queue-search"
            type="search"
            placeholder="Search subject or #number"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </form>
        <button
          type="button"
          className="btn filters-toggle phone-only"
          aria-expanded={open}
          aria-controls="filter-controls"
          onClick={() => setOpen((o) => !o)}
        >
          Filters{active > 0 ? ` (${active})` : ''}
        </button>
        <div className="filter-selects" id="filter-controls">
          <div className="filter-select">
            <label htmlFor="filter-assignee">Assignee</label>
            <select id="filter-assignee" value={filters.assignee} onChange={(e) => update({ assignee: e.target.value })}>
              <option value="">Anyone</option>
              <option value="me">Me</option>
              <option value="unassigned">Unassigned</option>
              {members && (
                <optgroup label="Staff">
                  {members.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                      {m.id === staff.id ? ' (you)' : ''}
                    </option>
                  ))}
                </optgroup>
              )}
              {filters.assignee && !['me', 'unassigned'].includes(filters.assignee) && !members?.some((m) => m.id === filters.assignee) && (
                <option value={filters.assignee}>Selected staff member</option>
              )}
            </select>
          </div>
          <div className="filter-select">
            <label htmlFor="filter-client">Client</label>
            <select id="filter-client" value={filters.client} onChange={(e) => update({ client: e.target.value })}>
              <option value="">Any client</option>
              {clients?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
              {filters.client && !clients?.some((c) => c.id === filters.client) && (
                <option value={filters.client}>Selected client</option>
              )}
            </select>
          </div>
        </div>
      </div>
      <div className="filters-row filters-chips" id="filter-chips">
        <ChipGroup
          legend="Status"
          values={ALL_STATUSES}
          selected={filters.status}
          label={(s: TicketStatus) => staffStatusLabel[s]}
          onToggle={(s) => update({ status: toggle(filters.status, s) })}
          className={(s) => `chip-status-${s}`}
          shortcuts={
            <>
              <button type="button" className="link-button" onClick={() => update({ status: [...UNSOLVED] })}>
                Unsolved
              </button>
              <button type="button" className="link-button" onClick={() => update({ status: [...ALL_STATUSES] })}>
                All
              </button>
            </>
          }
        />
        <ChipGroup
          legend="Priority"
          values={ALL_PRIORITIES}
          selected={filters.priority}
          label={(p: TicketPriority) => priorityLabel[p]}
          onToggle={(p) => update({ priority: toggle(filters.priority, p) })}
        />
        {!isDefault && (
          <button
            type="button"
            className="btn btn-small clear-filters"
            onClick={() => {
              setQ('');
              update({ status: [...UNSOLVED], priority: [], assignee: '', client: '', q: '' });
            }}
          >
            Clear filters
          </button>
        )}
      </div>
    </section>
  );
}

function ChipGroup<T extends string>({
  legend,
  values,
  selected,
  label,
  onToggle,
  className,
  shortcuts,
}: {
  legend: string;
  values: readonly T[];
  selected: T[];
  label: (v: T) => string;
  onToggle: (v: T) => void;
  className?: (v: T) => string;
  shortcuts?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="chip-group">
      <legend>
        {legend}
        <span className="visually-hidden">{selected.length === 0 ? ' (any)' : ''}</span>
      </legend>
      <div className="chips">
        {values.map((v) => (
          <label key={v} className={`chip${selected.includes(v) ? ' chip-on' : ''} ${className?.(v) ?? ''}`} htmlFor={`${id}-${v}`}>
            <input id={`${id}-${v}`} type="checkbox" checked={selected.includes(v)} onChange={() => onToggle(v)} />
            {label(v)}
          </label>
        ))}
        {selected.length === 0 && (
          <span className="chip-any" aria-hidden="true">
            Any
          </span>
        )}
        {shortcuts && <span className="chip-shortcuts">{shortcuts}</span>}
      </div>
    </fieldset>
  );
}

function Results({
  list,
  filters,
  isDefault,
  clear,
}: {
  list: Loaded<Page<StaffTicketSummary>>;
  filters: QueueFilters;
  isDefault: boolean;
  clear: () => void;
}) {
  const navigate = useNavigate();
  const { data, error, loading } = list;
  if (!data && error)
    return (
      <div>
        <ErrorAlert error={error} />
        <button type="button" className="btn" onClick={list.reload}>
          Try again
        </button>
      </div>
    );
  if (!data) return <Loading what="tickets" />;

  const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const last = first + data.items.length - 1;
  const paging = pageInfo(data);
  const pageLink = (page: number) => {
    const s = filtersToSearch({ ...filters, page }).toString();
    return s ? `/?${s}` : '/';
  };

  const openRow = (e: MouseEvent<HTMLTableRowElement>, number: number) => {
    if ((e.target as HTMLElement).closest('a, button, input, select')) return;
    if (window.getSelection()?.toString()) return;
    navigate(`/tickets/${number}`);
  };

  return (
    <div className="results">
      {error ? <ErrorAlert error={error} /> : null}
      <p className="result-count" role="status">
        {data.total === 0 ? 'No tickets' : data.items.length === 0 ? `${totalText(data)} ticket${data.total === 1 ? '' : 's'}` : `${first}–${last} of ${totalText(data)} ticket${data.total === 1 ? '' : 's'}`}
      </p>
      {data.items.length === 0 ? (
        <div className="empty card">
          <p>{data.total > 0 ? 'This page is empty.' : 'No tickets match these filters.'}</p>
          {!isDefault && (
            <button type="button" className="btn" onClick={clear}>
              Clear filters
            </button>
          )}
        </div>
      ) : (
        <div className={`table-wrap card${loading ? ' is-loading' : ''}`} aria-busy={loading}>
          <table className="queue-table">
            <caption className="visually-hidden">Tickets, most recently active first</caption>
            <thead>
              <tr>
                <th scope="col" className="col-number">
                  #
                </th>
                <th scope="col" className="col-subject">
                  Subject
                </th>
                <th scope="col" className="col-wide">
                  Client
                </th>
                <th scope="col" className="col-wide col-requester">
                  Requester
                </th>
                <th scope="col" className="col-status">
                  Status
                </th>
                <th scope="col" className="col-wide">
                  Priority
                </th>
                <th scope="col" className="col-wide">
                  Assignee
                </th>
                <th scope="col" className="col-updated">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((t) => (
                <tr key={t.number} onClick={(e) => openRow(e, t.number)} className="queue-row">
                  <td className="col-number">{t.number}</td>
                  <td className="col-subject">
                    <Link to={`/tickets/${t.number}`} className="subject-link">
                      {t.subject}
                    </Link>
                    <span className="row-meta">
                      #{t.number} · {t.client.name} · {t.requester.name} · <Priority priority={t.priority} /> ·{' '}
                      {t.assignee ? t.assignee.name : 'Unassigned'} · <TimeAgo iso={t.updatedAt} />
                    </span>
                  </td>
                  <td className="col-wide">{t.client.name}</td>
                  <td className="col-wide col-requester">{t.requester.name}</td>
                  <td className="col-status">
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="col-wide">
                    <Priority priority={t.priority} />
                  </td>
                  <td className="col-wide">{t.assignee ? t.assignee.name : <span className="muted">Unassigned</span>}</td>
                  <td className="col-updated">
                    <TimeAgo iso={t.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={data.page} pages={paging.pages} label={paging.label} hasNext={paging.hasNext} href={pageLink} />
    </div>
  );
}
