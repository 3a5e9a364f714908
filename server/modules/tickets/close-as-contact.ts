import type { PortalCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findContactTicket, updateTicket } from './queries.ts';
import { assertTransition } from './status.ts';
import { addChange, addMessage } from './timeline.ts';

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
    const w = { tx, record, ctx, ticketId: ticket.id };
    await addMessage(w, message);
    await addChange(w, { field: 'status', from: ticket.status, to: 'closed' });
    await updateTicket(tx, ctx.workspaceId, ticket.id, { status: 'closed' });
  });
}
