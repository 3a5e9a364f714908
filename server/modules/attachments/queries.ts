/**
 * Tenant-bound attachment queries. Who may see a file is decided in the SQL: a contact's
 * query carries the same ticket visibility as the ticket routes, plus "not on an internal
 * note"; a file nobody may see is simply not found.
 */
import type { Sql } from '../../platform/db/db.ts';
import type { Actor, ContactActor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';

/** The `:id` of a file route: anything that is not one of our 128-bit ids is simply not found. */
export function attachmentId(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(id)) throw new AppError('not_found');
  return id;
}

export type AttachmentRow = {
  id: string;
  storage_key: string;
  name: string;
  size: number;
  content_type: string;
  type_mismatch: boolean;
  sha256: string;
  message_id: string | null;
  created_at: Date;
};

/** The columns of an `AttachmentRow`, from `attachments` under the alias `t`. */
export const attachmentColumns = (t = 'a') =>
  `${t}.id, ${t}.storage_key, ${t}.name, ${t}.size::float8 as size, ${t}.content_type, ${t}.type_mismatch, ${t}.sha256,
  ${t}.message_id, ${t}.created_at`;
const columns = attachmentColumns();

const uploaderColumn = (actor: Actor) => (actor.type === 'staff' ? 'uploader_staff_id' : 'uploader_contact_id');

/** Tickets this contact may see, as a condition on `t` ($1 workspace, $2 client, $3 contact). */
const contactSees = (contact: ContactActor) =>
  contact.role === 'manager'
    ? 't.workspace_id = $1 and t.client_id = $2'
    : `t.workspace_id = $1 and t.client_id = $2 and (t.requester_id = $3
        or exists (select 1 from ticket_cc cc where cc.ticket_id = t.id and cc.workspace_id = $1 and cc.contact_id = $3))`;

/** A file a contact may download: on a ticket they see and not on a note, in their own chat, or their own pending upload. */
export async function findForContact(db: Sql, workspaceId: string, contact: ContactActor, id: string) {
  const [row] = await db.query<AttachmentRow>(
    `select ${columns} from attachments a
      where a.workspace_id = $1 and a.id = $4 and (
        (a.attached_at is null and a.uploader_contact_id = $3)
        or (a.chat_id is not null and exists (
             select 1 from chats c where c.id = a.chat_id and c.workspace_id = $1 and c.contact_id = $3))
        or exists (select 1 from tickets t where t.id = a.ticket_id and ${contactSees(contact)}
             and (a.message_id is null or exists (
               select 1 from ticket_messages m where m.id = a.message_id and m.workspace_id = $1 and m.public))))`,
    [workspaceId, contact.clientId, contact.id, id],
  );
  return row;
}

/** A file staff may download: any file of the workspace sent on a ticket or chat, or their own pending upload. */
export async function findForStaff(db: Sql, workspaceId: string, staffId: string, id: string) {
  const [row] = await db.query<AttachmentRow>(
    `select ${columns} from attachments a
      where a.workspace_id = $1 and a.id = $2 and (a.attached_at is not null or a.uploader_staff_id = $3)`,
    [workspaceId, id, staffId],
  );
  return row;
}

/** The files of a ticket; `publicOnly` leaves out those on internal notes. */
export function listTicketAttachments(db: Sql, workspaceId: string, ticketId: string, publicOnly: boolean) {
  return db.query<AttachmentRow>(
    `select ${columns} from attachments a
      where a.ticket_id = $2 and a.workspace_id = $1
        ${publicOnly ? `and (a.message_id is null or exists (select 1 from ticket_messages m where m.id = a.message_id and m.public))` : ''}
      order by a.attached_at, a.created_at, a.id`,
    [workspaceId, ticketId],
  );
}

/** How many uploads this person has waiting, not yet sent with anything. */
export async function countPending(db: Sql, workspaceId: string, actor: Actor): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from attachments where workspace_id = $1 and ${uploaderColumn(actor)} = $2 and attached_at is null`,
    [workspaceId, actor.id],
  );
  return row!.n;
}

/** Removes one's own pending upload; returns its blob key so the blob can go too. */
export async function deletePending(db: Sql, workspaceId: string, actor: Actor, id: string) {
  const [row] = await db.query<{ storage_key: string }>(
    `delete from attachments where workspace_id = $1 and id = $2 and ${uploaderColumn(actor)} = $3 and attached_at is null
     returning storage_key`,
    [workspaceId, id, actor.id],
  );
  return row?.storage_key;
}

export { uploaderColumn };
