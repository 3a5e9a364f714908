import type { z } from 'zod';
import type { staffMessageBody } from '../../../contracts/tickets.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findWorkspaceTicket, insertMessage, updateTicket } from './queries.ts';
import { assertTransition, statusAfterReply, type TicketStatus } from './status.ts';

/**
 * Staff add a public reply or an internal note. A reply may also set a status
 * ("reply and mark pending"); a note never changes what the customer sees.
 */
export async function addStaffMessage(
  ctx: StaffCtx,
  number: number,
  input: z.infer<typeof staffMessageBody>,
): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const ticket = await findWorkspaceTicket(tx, ctx.workspaceId, number, true);
    if (!ticket) throw new AppError('not_found');
    if (ticket.status === 'closed') throw new AppError('ticket_closed');
    let status: TicketStatus = ticket.status;
    if (input.internal) {
      if (input.status && input.status !== ticket.status) assertTransition(ticket.status, input.status);
      status = input.status ?? ticket.status;
    } else {
      status = statusAfterReply(ticket.status, 'staff');
      if (input.status && input.status !== status) {
        assertTransition(status, input.status);
        status = input.status;
      }
    }
    const message = await insertMessage(tx, {
      workspaceId: ctx.workspaceId,
      ticketId: ticket.id,
      kind: input.internal ? 'note' : 'reply',
      public: !input.internal,
      body: input.body,
      authorStaffId: ctx.actor.id,
    });
    if (status !== ticket.status) {
      await insertMessage(tx, {
        workspaceId: ctx.workspaceId,
        ticketId: ticket.id,
        kind: 'event',
        public: true,
        body: '',
        authorStaffId: ctx.actor.id,
        event: { field: 'status', from: ticket.status, to: status },
      });
    }
    await updateTicket(tx, ctx.workspaceId, ticket.id, status !== ticket.status ? { status } : {});
    await record({
      type: input.internal ? 'ticket.note_added' : 'ticket.replied',
      ticketId: ticket.id,
      payload: { messageId: message.id, public: !input.internal },
    });
    if (status !== ticket.status) {
      await record({ type: 'ticket.status_changed', ticketId: ticket.id, payload: { from: ticket.status, to: status } });
    }
  });
}
