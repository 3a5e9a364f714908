/**
 * The ticket status state machine (SPEC §2). One table of allowed moves; everything that
 * changes a status goes through `assertTransition`.
 *
 *   new ──► open ◄──► pending ◄──► on_hold
 *    │       │  ▲        │            │
 *    └───────┴──┼────────┴────────────┴──► solved ──► closed
 *               └─────── reopen ──────────┘
 *
 * `closed` is final: a closed ticket stays visible but is never reopened; a follow-up is
 * a new ticket (as in Zendesk), so reports on closed work stay stable.
 */
import { AppError } from '../../platform/errors.ts';
import type { TicketStatus } from '../../../contracts/tickets.ts';

export { STATUSES, PRIORITIES, type TicketStatus, type TicketPriority } from '../../../contracts/tickets.ts';

/** The statuses a ticket in `from` may move to. */
export function nextStatuses(from: TicketStatus): readonly TicketStatus[] {
  switch (from) {
    case 'new':
      return ['open', 'pending', 'on_hold', 'solved', 'closed'];
    case 'open':
      return ['pending', 'on_hold', 'solved', 'closed'];
    case 'pending':
      return ['open', 'on_hold', 'solved', 'closed'];
    case 'on_hold':
      return ['open', 'pending', 'solved', 'closed'];
    case 'solved':
      return ['open', 'closed'];
    case 'closed':
      return [];
    default: {
      const unreachable: never = from;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return nextStatuses(from).includes(to);
}

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (from === 'closed') throw new AppError('ticket_closed');
  if (!canTransition(from, to)) {
    throw new AppError('invalid_status_transition', {
      message: `A ticket that is ${label(from)} cannot be set to ${label(to)}.`,
      details: { from, to, allowed: nextStatuses(from) },
    });
  }
}

/**
 * The status after a public reply. A customer answering brings the ticket back to the
 * team (open); the team's first answer takes a ticket out of `new`.
 */
export function statusAfterReply(current: TicketStatus, by: 'contact' | 'staff'): TicketStatus {
  switch (current) {
    case 'new':
      return by === 'staff' ? 'open' : 'new';
    case 'pending':
    case 'on_hold':
    case 'solved':
      return by === 'contact' ? 'open' : current;
    case 'open':
      return 'open';
    case 'closed':
      throw new AppError('ticket_closed');
    default: {
      const unreachable: never = current;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

export function label(status: TicketStatus): string {
  return status === 'on_hold' ? 'on hold' : status;
}
