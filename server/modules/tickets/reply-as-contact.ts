import type { PortalCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findContactTicket, insertMessage, updateTicket } from './queries.ts';
import { statusAfterReply } from './status.ts';

/** A contact replies on a ticket they can see; the reply reopens pending or solved tickets. */
export async function replyAsContact(ctx: PortalCtx, number: number, body: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const ticket = await findContactTicket(tx, ctx.workspaceId, ctx.actor, number, true);
    if (!ticket) throw new AppError('not_found');
    const status = statusAfterReply(ticket.status, 'contact');
    const message = await insertMessage(tx, {
      workspaceId: ctx.workspaceId,
      ticketId: ticket.id,
      kind: 'reply',
      public: true,
      body,
      authorContactId: ctx.actor.id,
    });
    if (status !== ticket.status) {
      await insertMessage(tx, {
        workspaceId: ctx.workspaceId,
        ticketId: ticket.id,
        kind: 'event',
        public: true,
        body: '',
        event: { field: 'status', from: ticket.status, to: status },
      });
    }
    await updateTicket(tx, ctx.workspaceId, ticket.id, status !== ticket.status ? { status } : {});
    await record({ type: 'ticket.replied', ticketId: ticket.id, payload: { messageId: message.id, public: true } });
    if (status !== ticket.status) {
      await record({ type: 'ticket.status_changed', ticketId: ticket.id, payload: { from: ticket.status, to: status } });
    }
  });
}
