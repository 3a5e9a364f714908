/**
 * The queue's filters and their URL form. Everything the queue shows is in the query
 * string, so a view can be bookmarked, shared and reloaded.
 *
 *   status   absent = unsolved (new, open, pending, on hold); `all` = every status;
 *            empty = none ticked (also no filter); else a list
 *   priority absent = any; else a list
 *   assignee absent = anyone; `me`, `unassigned` or a staff id
 *   client   absent = any client; else a client id
 *   q        subject words or a ticket number (`42`, `#42`)
 *   page     1-based
 */
import { PRIORITIES, STATUSES, type TicketPriority, type TicketStatus } from '../../contracts/constants.ts';

export const ALL_STATUSES: readonly TicketStatus[] = STATUSES;
export const ALL_PRIORITIES: readonly TicketPriority[] = PRIORITIES;
export const UNSOLVED: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

export type QueueFilters = {
  /** Empty means any status. */
  status: TicketStatus[];
  /** Empty means any priority. */
  priority: TicketPriority[];
  assignee: string;
  client: string;
  q: string;
  page: number;
};

const pick = <T extends string>(raw: string | null, allowed: readonly T[]): T[] =>
  (raw ?? '')
    .split(',')
    .filter((v): v is T => (allowed as readonly string[]).includes(v))
    .filter((v, i, all) => all.indexOf(v) === i);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v) => b.includes(v));

export function parseFilters(params: URLSearchParams): QueueFilters {
  const rawStatus = params.get('status');
  const status = rawStatus === null ? [...UNSOLVED] : rawStatus === 'all' ? [...ALL_STATUSES] : pick(rawStatus, ALL_STATUSES);
  const page = Number(params.get('page'));
  return {
    status: ALL_STATUSES.filter((s) => status.includes(s)),
    priority: ALL_PRIORITIES.filter((p) => pick(params.get('priority'), ALL_PRIORITIES).includes(p)),
    assignee: params.get('assignee') ?? '',
    client: params.get('client') ?? '',
    q: params.get('q') ?? '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The app's URL query for these filters (defaults left out). */
export function filtersToSearch(f: QueueFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status.length === 0) p.set('status', '');
  else if (sameSet(f.status, ALL_STATUSES)) p.set('status', 'all');
  else if (!sameSet(f.status, UNSOLVED)) p.set('status', f.status.join(','));
  if (f.priority.length > 0 && !sameSet(f.priority, ALL_PRIORITIES)) p.set('priority', f.priority.join(','));
  if (f.assignee) p.set('assignee', f.assignee);
  if (f.client) p.set('client', f.client);
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.page > 1) p.set('page', String(f.page));
  return p;
}

/** The API's query for these filters. */
export function filtersToApi(f: QueueFilters): string {
  const p = new URLSearchParams();
  if (f.status.length > 0 && !sameSet(f.status, ALL_STATUSES)) p.set('status', f.status.join(','));
  if (f.priority.length > 0 && !sameSet(f.priority, ALL_PRIORITIES)) p.set('priority', f.priority.join(','));
  if (f.assignee) p.set('assignee', f.assignee);
  if (f.client) p.set('client', f.client);
  if (f.q.trim()) p.set('q', f.q.trim());
  p.set('page', String(f.page));
  return p.toString();
}

export type PresetView = { id: string; name: string; search: string; assignee: string };

/** The saved views in the sidebar. All are unsolved tickets, sorted by last activity. */
export const PRESET_VIEWS: readonly PresetView[] = [
  { id: 'mine', name: 'My open tickets', search: '?assignee=me', assignee: 'me' },
  { id: 'unassigned', name: 'Unassigned', search: '?assignee=unassigned', assignee: 'unassigned' },
  { id: 'unsolved', name: 'All unsolved', search: '', assignee: '' },
];

/** The preset the filters are exactly equal to, if any. */
export function matchingView(f: QueueFilters): PresetView | undefined {
  if (!sameSet(f.status, UNSOLVED) || f.priority.length > 0 || f.client || f.q.trim()) return undefined;
  return PRESET_VIEWS.find((v) => v.assignee === f.assignee);
}
