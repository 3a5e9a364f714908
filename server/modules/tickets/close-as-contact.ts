import type { PortalCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findContactTicket, insertMessage, updateTicket } from './queries.ts';
import { assertTransition } from './status.ts';

/** A contact closes a ticket with a required closing message, if the workspace allows it. */
export async function closeAsContact(
  ctx: PortalCtx,
  settings: { ticketClosing: boolean },
  number: number,
  message: string,
): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const ticket = await findContactTicket(tx, ctx.workspaceId, ctx.actor, number, true);
    if (!ticket) throw new AppError('not_found');
    if (!settings.ticketClosing) throw new AppError('portal_ticket_closing_disabled');
    assertTransition(ticket.status, 'closed');
    const reply = await insertMessage(tx, {
      workspaceId: ctx.workspaceId,
      ticketId: ticket.id,
      kind: 'reply',
      public: true,
      body: message,
      authorContactId: ctx.actor.id,
    });
    await insertMessage(tx, {
      workspaceId: ctx.workspaceId,
      ticketId: ticket.id,
      kind: 'event',
      public: true,
      body: '',
      event: { field: 'status', from: ticket.status, to: 'closed' },
    });
    await updateTicket(tx, ctx.workspaceId, ticket.id, { status: 'closed' });
    await record({ type: 'ticket.replied', ticketId: ticket.id, payload: { messageId: reply.id, public: true } });
    await record({ type: 'ticket.status_changed', ticketId: ticket.id, payload: { from: ticket.status, to: 'closed' } });
  });
}
