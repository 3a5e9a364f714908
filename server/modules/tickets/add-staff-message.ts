import type { z } from 'zod';
import type { staffMessageBody } from '../../../contracts/tickets.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { mutate } from '../../platform/events.ts';
import { onceFor } from '../../platform/idempotency.ts';
import { updateTicket } from './queries.ts';
import { assertTransition, statusAfterReply, type TicketStatus } from './status.ts';
import { addChange, addMessage, lockOpenTicket } from './timeline.ts';

/**
 * Staff add a public reply or an internal note. Either may also set a status ("reply and
 * mark pending"); a note alone never changes what the customer sees.
 */
export async function addStaffMessage(
  ctx: StaffCtx,
  number: number,
  input: z.infer<typeof staffMessageBody>,
  idempotencyKey?: string,
): Promise<void> {
  await mutate(ctx, (tx, record) => onceFor(tx, ctx, idempotencyKey, `ticket.message:${number}`, input, async () => {
    const ticket = await lockOpenTicket(tx, ctx, number);
    let status: TicketStatus = input.internal ? ticket.status : statusAfterReply(ticket.status, 'staff');
    if (input.status && input.status !== status) {
      assertTransition(status, input.status);
      status = input.status;
    }
    const w = { tx, record, ctx, ticketId: ticket.id };
    await addMessage(w, input.body, input.internal, input.attachmentIds);
    if (status !== ticket.status) await addChange(w, { field: 'status', from: ticket.status, to: status });
    await updateTicket(tx, ctx.workspaceId, ticket.id, status !== ticket.status ? { status } : {});
    return null;
  }));
}
