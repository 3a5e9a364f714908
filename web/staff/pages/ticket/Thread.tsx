import type { StaffMessage, StaffTicket, ThreadEvent, TicketPriority, TicketStatus } from '../../../../contracts/tickets.ts';
import type { Attachment } from '../../../../contracts/attachments.ts';
import { AttachmentList } from '../../../ui/Attachments.tsx';
import { priorityLabel, staffStatusLabel } from '../../../ui/format.ts';
import { Avatar, TimeAgo } from '../../components.tsx';

const valueLabel = (field: ThreadEvent['field'], value: string | null): string => {
  if (value === null) return field === 'assignee' ? 'Unassigned' : 'none';
  if (field === 'status') return staffStatusLabel[value as TicketStatus] ?? value;
  if (field === 'priority') return priorityLabel[value as TicketPriority] ?? value;
  return value;
};

/** "Alex Morgan changed status from Open to Pending". */
export function eventText(e: ThreadEvent, who: string | null): string {
  const actor = who ?? 'The system';
  if (e.field === 'assignee') {
    if (e.from === null) return e.to === who ? `${actor} assigned the ticket to themselves` : `${actor} assigned the ticket to ${e.to ?? 'nobody'}`;
    if (e.to === null) return `${actor} unassigned ${e.from}`;
    return e.to === who ? `${actor} took the ticket over from ${e.from}` : `${actor} reassigned the ticket from ${e.from} to ${e.to}`;
  }
  return `${actor} changed ${e.field} from ${valueLabel(e.field, e.from)} to ${valueLabel(e.field, e.to)}`;
}

export function Thread({ ticket }: { ticket: StaffTicket }) {
  return (
    <ol className="thread">
      <li className="message message-customer">
        <MessageCard
          author={ticket.requester.name}
          authorType="contact"
          tag="Request"
          createdAt={ticket.createdAt}
          body={ticket.description}
          attachments={ticket.attachments}
        />
      </li>
      {ticket.thread.map((m) => (
        <ThreadItem key={m.id} m={m} />
      ))}
    </ol>
  );
}

function ThreadItem({ m }: { m: StaffMessage }) {
  if (m.kind === 'event' && m.event) {
    return (
      <li className="thread-event">
        <span className="event-dot" aria-hidden="true" />
        <span className="event-text">{eventText(m.event, m.author?.name ?? null)}</span>
        <span className="event-time">
          <TimeAgo iso={m.createdAt} />
        </span>
      </li>
    );
  }
  const note = m.kind === 'note' || m.internal;
  const type = m.author?.type ?? 'staff';
  return (
    <li className={`message ${note ? 'message-note' : type === 'contact' ? 'message-customer' : 'message-staff'}`}>
      <MessageCard
        author={m.author?.name ?? 'Unknown'}
        authorType={type}
        tag={note ? 'Internal note' : type === 'contact' ? 'Customer' : 'Public reply'}
        createdAt={m.createdAt}
        body={m.body}
        attachments={m.attachments}
        internal={note}
      />
    </li>
  );
}

function MessageCard(props: {
  author: string;
  authorType: 'staff' | 'contact';
  tag: string;
  createdAt: string;
  body: string;
  attachments: Attachment[] | undefined;
  internal?: boolean;
}) {
  return (
    <article className="message-card">
      <header className="message-head">
        <Avatar name={props.author} kind={props.authorType} />
        <h3 className="message-author">{props.author}</h3>
        <span className="message-tag">{props.tag}</span>
        <span className="message-time">
          <TimeAgo iso={props.createdAt} />
        </span>
      </header>
      <div className="message-body">{props.body}</div>
      <AttachmentList attachments={props.attachments} internal={props.internal} />
    </article>
  );
}
