import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import type { PortalMessage, PortalTicket, ThreadEvent } from '../../../contracts/tickets.ts';
import { ApiError } from '../../ui/api.ts';
import { useLiveTopic } from '../../ui/live.ts';
import { useLive } from '../live.tsx';
import { AttachmentList } from '../../ui/Attachments.tsx';
import { priorityLabel, statusLabel } from '../../ui/format.ts';
import { PageHeading, Priority, StatusBadge, Time } from '../components/bits.tsx';
import { ErrorAlert, SubmitButton, TextAreaField } from '../components/forms.tsx';
import { ReplyForm } from '../components/ReplyForm.tsx';
import { usePageTitle, useSession } from '../session.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

type Load =
  | { status: 'loading' }
  | { status: 'ready'; ticket: PortalTicket }
  | { status: 'not_found' }
  | { status: 'failed'; message: string };

const TEXT_MAX = 20000;

/** A ticket number from the address, or null when it cannot be one. */
function parseNumber(raw: string | undefined): number | null {
  const n = raw && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= 2147483647 ? n : null;
}

export function TicketPage() {
  const { request } = useSession();
  const number = parseNumber(useParams().number);
  const location = useLocation();
  const justCreated = (location.state as { created?: boolean } | null)?.created === true;
  const [load, setLoad] = useState<Load>(number === null ? { status: 'not_found' } : { status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // Only the answer to the latest request counts (a live refresh may overtake a reload).
  const latestRequest = useRef(0);

  useEffect(() => {
    if (number === null) return setLoad({ status: 'not_found' });
    const id = ++latestRequest.current;
    setLoad({ status: 'loading' });
    request<PortalTicket>(`/tickets/${number}`)
      .then((ticket) => id === latestRequest.current && setLoad({ status: 'ready', ticket }))
      .catch((e: unknown) => {
        if (id !== latestRequest.current) return;
        if (e instanceof ApiError && e.status === 404) setLoad({ status: 'not_found' });
        else setLoad({ status: 'failed', message: e instanceof ApiError ? e.message : 'Something went wrong.' });
      });
  }, [request, number, attempt]);

  const setTicket = useCallback((ticket: PortalTicket) => setLoad({ status: 'ready', ticket }), []);
  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  /**
   * Fetches the ticket again in place (after a conflict, or a live change): the page stays,
   * with the reply being written and the scroll position. An answer older than what is
   * shown (a reply sent meanwhile) is dropped.
   */
  const refresh = useCallback(() => {
    if (number === null) return;
    const id = ++latestRequest.current;
    request<PortalTicket>(`/tickets/${number}`).then(
      (ticket) => {
        if (id !== latestRequest.current) return;
        setLoad((l) =>
          l.status === 'ready' && l.ticket.number === ticket.number && Date.parse(ticket.updatedAt) < Date.parse(l.ticket.updatedAt)
            ? l
            : { status: 'ready', ticket },
        );
      },
      (e: unknown) => {
        if (id !== latestRequest.current) return;
        if (e instanceof ApiError && e.status === 404) setLoad({ status: 'not_found' });
        // Anything else: keep showing what we have; the next change tries again.
      },
    );
  }, [request, number]);

  // Live: this ticket changed (a reply, a status…), or events may have been missed offline.
  const live = useLive();
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefresh = useCallback(() => {
    if (debounce.current) clearTimeout(debounce.current);
    debounce.current = setTimeout(refresh, 150);
  }, [refresh]);
  useEffect(() => () => void (debounce.current && clearTimeout(debounce.current)), []);
  useLiveTopic(live, number === null ? null : `ticket:${number}`, (frame) => frame.type === 'ticket.changed' && scheduleRefresh(), {
    onResync: scheduleRefresh,
  });

  if (load.status === 'not_found') {
    return (
      <NotFoundPage
        title="Ticket not found"
        text={
          number === null
            ? 'That address does not point to a ticket. Check the link you were sent.'
            : `Ticket #${number} does not exist, or you do not have access to it.`
        }
      />
    );
  }
  if (load.status === 'failed') return <TicketLoadFailed message={load.message} onRetry={reload} />;
  if (load.status === 'loading') return <TicketLoading />;
  return <TicketView ticket={load.ticket} justCreated={justCreated} onChange={setTicket} onStale={refresh} />;
}

function TicketLoading() {
  usePageTitle('Loading ticket');
  return (
    <div className="ticket-loading" aria-busy="true">
      <p role="status" className="muted">
        Loading ticket…
      </p>
    </div>
  );
}

function TicketLoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  usePageTitle('Ticket could not be loaded');
  return (
    <>
      <PageHeading>Ticket could not be loaded</PageHeading>
      <div className="alert alert-error" role="alert">
        {message}
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={onRetry}>
          Try again
        </button>
        <Link to="/" className="btn">
          Back to tickets
        </Link>
      </div>
    </>
  );
}

type ViewProps = {
  ticket: PortalTicket;
  justCreated: boolean;
  onChange: (t: PortalTicket) => void;
  onStale: () => void;
};

function TicketView({ ticket, justCreated, onChange, onStale }: ViewProps) {
  const { workspace } = useSession();
  usePageTitle(`#${ticket.number} ${ticket.subject}`);
  const closedBanner = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [justClosed, setJustClosed] = useState(false);
  const [repliedSinceCreate, setRepliedSinceCreate] = useState(false);
  const fresh = useFreshMessages(ticket, setAnnouncement);

  useEffect(() => {
    if (justClosed) closedBanner.current?.focus();
  }, [justClosed]);

  const closed = ticket.status === 'closed';

  return (
    <div className="ticket-page">
      <p className="back-link">
        <Link to="/">
          <span aria-hidden="true">←</span> Back to tickets
        </Link>
      </p>
      <div className="ticket-header">
        <PageHeading className="ticket-title">
          <span className="ticket-number">#{ticket.number}</span> {ticket.subject}
        </PageHeading>
        <div className="ticket-header-meta">
          <StatusBadge status={ticket.status} />
          <Priority priority={ticket.priority} />
        </div>
      </div>

      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>

      {justCreated && !repliedSinceCreate && !closed && (
        <div className="alert alert-success">
          Your ticket was submitted. The support team will reply here; you can add more details below at any time.
        </div>
      )}
      {closed ? (
        <div className="alert alert-closed" ref={closedBanner} tabIndex={-1}>
          <strong className="alert-title">This ticket is closed</strong>
          <p className="alert-text">
            {ticket.closedAt ? (
              <>
                It was closed <Time iso={ticket.closedAt} />.{' '}
              </>
            ) : null}
            Closed tickets cannot be reopened or replied to.{' '}
            {workspace.settings.ticketCreation ? (
              <>
                Need more help? <Link to="/tickets/new">Create a new ticket</Link>.
              </>
            ) : (
              'If you need more help, contact your support team.'
            )}
          </p>
        </div>
      ) : ticket.status === 'pending' ? (
        <div className="alert alert-warning">
          <strong className="alert-title">The support team is waiting for your reply</strong>
          <p className="alert-text">Answer below so they can continue working on this ticket.</p>
        </div>
      ) : ticket.status === 'solved' ? (
        <div className="alert alert-success">
          <strong className="alert-title">This ticket is marked as solved</strong>
          <p className="alert-text">If the problem is back or not fully fixed, reply below and the ticket reopens.</p>
        </div>
      ) : null}

      <div className="ticket-layout">
        <div className="ticket-main">
          <section aria-labelledby="conversation-heading">
            <h2 id="conversation-heading" className="section-title">
              Conversation
            </h2>
            <Thread ticket={ticket} fresh={fresh} />
          </section>

          {ticket.can.reply && (
            <ReplyForm
              ticket={ticket}
              onSent={(t) => {
                onChange(t);
                setRepliedSinceCreate(true);
                setAnnouncement('Your reply was sent.');
              }}
              onStale={onStale}
            />
          )}
          {ticket.can.reply && !ticket.can.close && !workspace.settings.ticketClosing && (
            <p className="muted close-hint">Want this ticket closed? Ask the support team in a reply.</p>
          )}
          {ticket.can.close && (
            <CloseTicket
              ticket={ticket}
              onClosed={(t) => {
                onChange(t);
                setJustClosed(true);
                setAnnouncement('The ticket is closed.');
              }}
              onStale={onStale}
            />
          )}
        </div>

        <aside className="ticket-aside" aria-labelledby="details-heading">
          <div className="card details-card">
            <h2 id="details-heading" className="section-title">
              Details
            </h2>
            <dl className="details">
              <div>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={ticket.status} />
                </dd>
              </div>
              <div>
                <dt>Priority</dt>
                <dd>
                  <Priority priority={ticket.priority} />
                </dd>
              </div>
              <div>
                <dt>Assigned technician</dt>
                <dd>{ticket.assignee ? ticket.assignee.name : <span className="muted">Not yet assigned</span>}</dd>
              </div>
              <div>
                <dt>Requester</dt>
                <dd>{ticket.requester.name}</dd>
              </div>
              {ticket.cc.length > 0 && (
                <div>
                  <dt>Copied</dt>
                  <dd>{ticket.cc.map((c) => c.name).join(', ')}</dd>
                </div>
              )}
              <div>
                <dt>Created</dt>
                <dd>
                  <Time iso={ticket.createdAt} />
                </dd>
              </div>
              <div>
                <dt>Last update</dt>
                <dd>
                  <Time iso={ticket.updatedAt} />
                </dd>
              </div>
            </dl>
          </div>
        </aside>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0]];
  return letters.join('').toUpperCase();
}

/**
 * Messages that arrived while the page was open (a live refresh), for a brief highlight, and
 * a polite announcement of them: "New reply from Alex Morgan." Own replies are announced by
 * the reply form already.
 */
function useFreshMessages(ticket: PortalTicket, announce: (text: string) => void): ReadonlySet<string> {
  const known = useRef<{ number: number; ids: Set<string> } | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    const ids = new Set(ticket.thread.map((m) => m.id));
    const before = known.current;
    known.current = { number: ticket.number, ids };
    if (!before || before.number !== ticket.number) return;
    const added = ticket.thread.filter((m) => !before.ids.has(m.id) && !m.author?.isYou);
    if (!added.length) return;
    setFresh(new Set(added.map((m) => m.id)));
    const replies = added.filter((m) => m.kind === 'reply');
    const events = added.filter((m) => m.kind === 'event' && m.event);
    const parts: string[] = [];
    if (replies.length === 1) parts.push(`New reply from ${replies[0]!.author?.name ?? 'the support team'}.`);
    else if (replies.length > 1) parts.push(`${replies.length} new replies.`);
    for (const e of events.slice(-2)) parts.push(`${eventText(e.event!)}.`);
    if (parts.length) announce(parts.join(' '));
  }, [ticket, announce]);
  return fresh;
}

function Thread({ ticket, fresh }: { ticket: PortalTicket; fresh: ReadonlySet<string> }) {
  return (
    <ol className="thread">
      <li className="message message-contact message-original">
        <MessageHeader
          name={ticket.requester.name}
          you={ticket.yourRole === 'requester'}
          type="contact"
          at={ticket.createdAt}
          note="opened this ticket"
        />
        <div className="message-body">{ticket.description}</div>
        <AttachmentList attachments={ticket.attachments} />
      </li>
      {ticket.thread.map((m) =>
        m.kind === 'event' ? (
          <EventLine key={m.id} message={m} fresh={fresh.has(m.id)} />
        ) : (
          <Reply key={m.id} message={m} fresh={fresh.has(m.id)} />
        ),
      )}
    </ol>
  );
}

function MessageHeader({
  name,
  type,
  at,
  note,
  you = false,
}: {
  name: string;
  type: 'contact' | 'staff';
  at: string;
  note?: string;
  you?: boolean;
}) {
  return (
    <div className="message-header">
      <span className="avatar" aria-hidden="true">
        {initials(name)}
      </span>
      <span className="message-author">
        <span className="message-name">{name}</span>
        {type === 'staff' && <span className="team-tag">Support team</span>}
        {you && <span className="team-tag you-tag">You</span>}
        {note && <span className="message-note">{note}</span>}
      </span>
      <span className="message-time">
        <Time iso={at} />
      </span>
    </div>
  );
}

function Reply({ message, fresh }: { message: PortalMessage; fresh: boolean }) {
  const type = message.author?.type ?? 'staff';
  const author = message.author;
  const name = author?.name ?? (type === 'staff' ? 'Support team' : 'Customer');
  return (
    <li className={`message message-${type}${fresh ? ' is-fresh' : ''}`}>
      <MessageHeader name={name} type={type} at={message.createdAt} you={author?.isYou ?? false} />
      <div className="message-body">{message.body}</div>
      <AttachmentList attachments={message.attachments} />
    </li>
  );
}

const statusText = (s: string | null) => (s ? (statusLabel as Record<string, string>)[s] ?? s : 'none');
const priorityText = (p: string | null) => (p ? (priorityLabel as Record<string, string>)[p] ?? p : 'none');

export function eventText(e: ThreadEvent): string {
  switch (e.field) {
    case 'status':
      return `Status changed from ${statusText(e.from)} to ${statusText(e.to)}`;
    case 'priority':
      return `Priority changed from ${priorityText(e.from)} to ${priorityText(e.to)}`;
    case 'assignee':
      if (e.to && e.from) return `Reassigned from ${e.from} to ${e.to}`;
      if (e.to) return `Assigned to ${e.to}`;
      return e.from ? `No longer assigned to ${e.from}` : 'Assignment changed';
    default:
      return 'Ticket updated';
  }
}

function EventLine({ message, fresh }: { message: PortalMessage; fresh: boolean }) {
  if (!message.event) return null;
  return (
    <li className={fresh ? 'event is-fresh' : 'event'}>
      <span className="event-dot" aria-hidden="true" />
      <span className="event-body">
        <span className="event-text">{eventText(message.event)}</span>{' '}
        <span className="event-time">
          <span aria-hidden="true">· </span>
          <Time iso={message.createdAt} />
        </span>
      </span>
    </li>
  );
}

function CloseTicket({ ticket, onClosed, onStale }: { ticket: PortalTicket; onClosed: (t: PortalTicket) => void; onStale: () => void }) {
  const { request } = useSession();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (open) textRef.current?.focus();
    else if (wasOpen.current) openerRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const cancel = () => {
    setOpen(false);
    setError(undefined);
    setFormError(null);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const problem = !message.trim()
      ? 'Write a closing message, for example why the ticket can be closed.'
      : message.trim().length > TEXT_MAX
        ? `Keep the message to ${TEXT_MAX.toLocaleString()} characters or fewer.`
        : undefined;
    setError(problem);
    if (problem) return textRef.current?.focus();
    setClosing(true);
    try {
      const updated = await request<PortalTicket>(`/tickets/${ticket.number}/close`, { method: 'POST', body: { message } });
      onClosed(updated);
    } catch (err) {
      setClosing(false);
      if (err instanceof ApiError && err.code === 'validation_failed' && err.field('message')) {
        setError(err.field('message'));
        textRef.current?.focus();
      } else {
        setFormError(err instanceof ApiError ? err.message : 'The ticket could not be closed. Try again.');
        if (err instanceof ApiError && (err.status === 409 || err.status === 403)) onStale();
      }
    }
  };

  if (!open) {
    return (
      <section className="close-prompt" aria-labelledby="close-heading">
        <div>
          <h2 id="close-heading" className="close-prompt-title">
            Problem solved?
          </h2>
          <p className="muted">If you no longer need help with this, you can close the ticket.</p>
        </div>
        <button ref={openerRef} type="button" className="btn" onClick={() => setOpen(true)}>
          Close ticket
        </button>
      </section>
    );
  }

  return (
    <section className="card close-card" aria-labelledby="close-form-heading">
      <h2 id="close-form-heading" className="section-title">
        Close this ticket
      </h2>
      <p className="muted close-warning">
        Closing is final: the ticket cannot be reopened or replied to afterwards. If you need help again later, create a
        new ticket.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert message={formError} />
        <TextAreaField
          textareaRef={textRef}
          id="close-message"
          idPrefix="close"
          label="Closing message"
          hint="Let the team know why, for example “The printer works again, thank you!”"
          name="message"
          rows={3}
          required
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          error={error}
        />
        <div className="form-actions">
          <SubmitButton className="btn btn-danger-solid" busy={closing} busyLabel="Closing…">
            Confirm close
          </SubmitButton>
          <button type="button" className="btn btn-quiet" onClick={cancel} disabled={closing}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
