/** Writing to a ticket's thread inside a mutation: messages, change events, and their domain events. */
import type { Ctx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Record_ } from '../../platform/events.ts';
import type { ThreadEvent } from '../../../contracts/tickets.ts';
import { claimAttachments } from '../attachments/claim.ts';
import { findWorkspaceTicket, insertMessage, type TicketRow } from './queries.ts';

type Write = { tx: Sql; record: Record_; ctx: Ctx; ticketId: string };

const author = (ctx: Ctx) =>
  ctx.actor.type === 'staff' ? { authorStaffId: ctx.actor.id } : { authorContactId: ctx.actor.id };

/**
 * A public reply (contact or staff) or an internal note (staff only), with the writer's
 * pending uploads `attachmentIds` as its files (they share the note's visibility).
 */
export async function addMessage({ tx, record, ctx, ticketId }: Write, body: string, internal = false, attachmentIds: string[] = []) {
  if (internal && ctx.actor.type !== 'staff') throw new Error('only staff write internal notes');
  const message = await insertMessage(tx, {
    workspaceId: ctx.workspaceId,
    ticketId,
    kind: internal ? 'note' : 'reply',
    public: !internal,
    body,
    ...author(ctx),
  });
  const files = await claimAttachments(tx, ctx, attachmentIds, { ticketId, messageId: message.id });
  await record({
    type: internal ? 'ticket.note_added' : 'ticket.replied',
    ticketId,
    payload: { messageId: message.id, public: !internal, files },
  });
  return message;
}

/** A status, priority or assignee change, shown in the timeline. */
export async function addChange({ tx, record, ctx, ticketId }: Write, change: ThreadEvent) {
  await insertMessage(tx, {
    workspaceId: ctx.workspaceId,
    ticketId,
    kind: 'event',
    public: true,
    body: '',
    // Contacts never author event rows (the schema allows them only on replies).
    authorStaffId: ctx.actor.type === 'staff' ? ctx.actor.id : null,
    event: change,
  });
  await record({ type: `ticket.${change.field}_changed`, ticketId, payload: change });
}

/** Staff: the ticket by number, locked for the change; closed tickets refuse changes. */
export async function lockOpenTicket(tx: Sql, ctx: Ctx, number: number): Promise<TicketRow> {
  const ticket = await findWorkspaceTicket(tx, ctx.workspaceId, number, true);
  if (!ticket) throw new AppError('not_found');
  if (ticket.status === 'closed') throw new AppError('ticket_closed');
  return ticket;
}
