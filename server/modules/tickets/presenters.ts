/** Rows to API JSON. Portal presenters take only what a contact may see. */
import type { Attachment } from '../../../contracts/attachments.ts';
import type {
  PortalMessage,
  PortalTicket,
  PortalTicketSummary,
  StaffMessage,
  StaffTicket,
  StaffTicketSummary,
  ThreadEvent,
} from '../../../contracts/tickets.ts';
import type { ContactActor } from '../../platform/context.ts';
import type { CcRow, MessageRow, TicketRow } from './queries.ts';
import { nextStatuses } from './status.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function portalSummary(t: TicketRow): PortalTicketSummary {
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    requester: { name: t.requester_name },
    assignee: t.assignee_name ? { name: t.assignee_name } : null,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
  };
}

type Files = Map<string, Attachment[]>;

function portalMessage(m: MessageRow, viewer: ContactActor, files: Files): PortalMessage {
  if (m.kind === 'note' || !m.public) throw new Error('internal message reached the portal presenter');
  return {
    id: m.id,
    kind: m.kind,
    body: m.body,
    author: m.author_name
      ? {
          name: m.author_name,
          type: m.author_contact_id ? 'contact' : 'staff',
          isYou: m.author_contact_id === viewer.id,
        }
      : null,
    event: (m.event as ThreadEvent | null) ?? null,
    attachments: files.get(m.id) ?? [],
    createdAt: m.created_at.toISOString(),
  };
}

export function portalTicket(
  t: TicketRow,
  thread: MessageRow[],
  cc: CcRow[],
  settings: { closing: boolean },
  viewer: ContactActor,
  files: Files,
): PortalTicket {
  return {
    ...portalSummary(t),
    description: t.description,
    attachments: files.get('') ?? [],
    yourRole:
      t.requester_id === viewer.id ? 'requester' : cc.some((c) => c.id === viewer.id) ? 'cc' : 'manager',
    closedAt: iso(t.closed_at),
    cc: cc.map((c) => ({ name: c.name })),
    thread: thread.map((m) => portalMessage(m, viewer, files)),
    can: { reply: t.status !== 'closed', close: settings.closing && t.status !== 'closed' },
  };
}

export function staffSummary(t: TicketRow): StaffTicketSummary {
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    client: { id: t.client_id, name: t.client_name },
    requester: { id: t.requester_id, name: t.requester_name },
    assignee: t.assignee_id ? { id: t.assignee_id, name: t.assignee_name ?? '' } : null,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
  };
}

function staffMessage(m: MessageRow, files: Files): StaffMessage {
  const authorId = m.author_contact_id ?? m.author_staff_id;
  return {
    id: m.id,
    kind: m.kind,
    internal: !m.public,
    body: m.body,
    author:
      authorId && m.author_name
        ? { id: authorId, name: m.author_name, type: m.author_contact_id ? 'contact' : 'staff' }
        : null,
    event: (m.event as ThreadEvent | null) ?? null,
    attachments: files.get(m.id) ?? [],
    createdAt: m.created_at.toISOString(),
  };
}

export function staffTicket(t: TicketRow, thread: MessageRow[], cc: CcRow[], files: Files): StaffTicket {
  return {
    ...staffSummary(t),
    description: t.description,
    attachments: files.get('') ?? [],
    source: t.source,
    requester: { id: t.requester_id, name: t.requester_name, email: t.requester_email },
    cc: cc.map((c) => ({ id: c.id, name: c.name, email: c.email })),
    solvedAt: iso(t.solved_at),
    closedAt: iso(t.closed_at),
    thread: thread.map((m) => staffMessage(m, files)),
    allowedStatuses: [...nextStatuses(t.status)],
  };
}
