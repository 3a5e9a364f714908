import type { PortalCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { onceFor } from '../../platform/idempotency.ts';
import { findContactTicket, updateTicket } from './queries.ts';
import { statusAfterReply } from './status.ts';
import { addChange, addMessage } from './timeline.ts';

/** A contact replies on a ticket they can see; the reply reopens pending or solved tickets. */
export async function replyAsContact(
  ctx: PortalCtx,
  number: number,
  input: { body: string; attachmentIds: string[] },
  idempotencyKey?: string,
): Promise<void> {
  await mutate(ctx, (tx, record) => onceFor(tx, ctx, idempotencyKey, `ticket.reply:${number}`, input, async () => {
    const ticket = await findContactTicket(tx, ctx.workspaceId, ctx.actor, number, true);
    if (!ticket) throw new AppError('not_found');
    const status = statusAfterReply(ticket.status, 'contact');
    const w = { tx, record, ctx, ticketId: ticket.id };
    await addMessage(w, input.body, false, input.attachmentIds);
    if (status !== ticket.status) await addChange(w, { field: 'status', from: ticket.status, to: status });
    await updateTicket(tx, ctx.workspaceId, ticket.id, status !== ticket.status ? { status } : {});
    return null;
  }));
}
