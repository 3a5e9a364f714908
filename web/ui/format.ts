import type { TicketPriority, TicketStatus } from '../../contracts/tickets.ts';

export const statusLabel: Record<TicketStatus, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Awaiting your reply',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};

/** Staff see the plain status names. */
export const staffStatusLabel: Record<TicketStatus, string> = { ...statusLabel, pending: 'Pending' };

export const priorityLabel: Record<TicketPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "yesterday"; "just now" under a minute. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** Full date and time for tooltips and `<time>` titles. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

type Counted = { items: unknown[]; page: number; pageSize: number; total: number; totalCapped: boolean };

/** A list's total as shown: "1,234", or "10,000+" when the server stopped counting. */
export const totalText = (p: Counted) => `${p.total.toLocaleString('en-US')}${p.totalCapped ? '+' : ''}`;

/**
 * Where a page stands: how many pages (at least the current one), whether there is a next
 * one, and "12" or "400+" for "Page 3 of …". Past a capped count, a full page means more.
 */
export function pageInfo(p: Counted): { pages: number; label: string; hasNext: boolean } {
  const pages = Math.max(1, p.page, Math.ceil(p.total / p.pageSize));
  if (!p.totalCapped) return { pages, label: String(pages), hasNext: p.page < pages };
  return { pages, label: `${pages.toLocaleString('en-US')}+`, hasNext: p.items.length === p.pageSize };
}
