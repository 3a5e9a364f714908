import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { StaffTicket } from '../../../contracts/tickets.ts';
import { ErrorAlert, Loading, PageHeading, Priority, StatusBadge, TimeAgo, isNotFound } from '../components.tsx';
import { lastQueueUrl, useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, staffApi } from '../http.ts';
import { Composer } from './ticket/Composer.tsx';
import { Thread } from './ticket/Thread.tsx';
import { TicketProperties } from './ticket/Properties.tsx';
import { NotFoundPage } from './NotFound.tsx';
import { useTicketRefresh } from '../live.tsx';

export type TicketMutation = (path: string, method: string, body: unknown, headers?: Record<string, string>) => Promise<StaffTicket>;

export function TicketPage() {
  const raw = useParams().number ?? '';
  const number = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(number) || number < 1) return <NotFoundPage />;
  return <TicketView key={number} number={number} />;
}

function TicketView({ number }: { number: number }) {
  const ticket = useLoad<StaffTicket>(`/tickets/${number}`);
  const t = ticket.data;
  usePageTitle(t ? `#${t.number} ${t.subject}` : isNotFound(ticket.error) ? 'Ticket not found' : `Ticket #${number}`);
  const [announcement, setAnnouncement] = useState('');

  const { setData, reload } = ticket;
  // Someone else replied or changed it: read it again. The composer keeps its draft (it is
  // not remounted, and the previous copy stays on screen while the new one loads).
  useTicketRefresh(`ticket:${number}`, reload);
  /** Runs a change; the server answers with the whole updated ticket. */
  const mutate: TicketMutation = useCallback(
    async (path, method, body, headers) => {
      try {
        const next = await staffApi<StaffTicket>(`/tickets/${number}${path}`, { method, body, headers });
        setData(next);
        return next;
      } catch (err) {
        // Someone else may have changed the ticket: show the error against fresh data.
        if (err instanceof ApiError && (err.code === 'invalid_status_transition' || err.code === 'ticket_closed')) reload();
        throw err;
      }
    },
    [number, setData, reload],
  );

  if (!t) {
    if (isNotFound(ticket.error)) {
      return (
        <div className="page">
          <PageHeading>Ticket #{number} not found</PageHeading>
          <p>There is no ticket with this number in your workspace.</p>
          <p>
            <Link to={lastQueueUrl()}>Back to tickets</Link>
          </p>
        </div>
      );
    }
    return (
      <div className="page">
        <PageHeading>Ticket #{number}</PageHeading>
        {ticket.error ? (
          <>
            <ErrorAlert error={ticket.error} />
            <button type="button" className="btn" onClick={reload}>
              Try again
            </button>
          </>
        ) : (
          <Loading what="ticket" />
        )}
      </div>
    );
  }

  return (
    <div className="page page-wide ticket-page">
      <div className="ticket-layout">
        <header className="ticket-head">
          <Link to={lastQueueUrl()} className="back-link">
            <span aria-hidden="true">← </span>Back to tickets
          </Link>
          <PageHeading className="ticket-title">
            <span className="ticket-number">#{t.number}</span> {t.subject}
          </PageHeading>
          <p className="ticket-meta">
            <StatusBadge status={t.status} />
            <span>
              <Priority priority={t.priority} /> priority
            </span>
            <span>
              <Link to={`/clients/${t.client.id}`}>{t.client.name}</Link>
            </span>
            <span>
              Opened <TimeAgo iso={t.createdAt} /> by {t.requester.name}
            </span>
          </p>
        </header>
        <TicketProperties ticket={t} mutate={mutate} announce={setAnnouncement} />
        <section className="ticket-conversation" aria-labelledby="conversation-heading">
          <h2 id="conversation-heading" className="section-title">
            Conversation
          </h2>
          <Thread ticket={t} />
          <Composer ticket={t} mutate={mutate} announce={setAnnouncement} />
        </section>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
