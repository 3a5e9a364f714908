import type { z } from 'zod';
import type { updateTicketBody } from '../../../contracts/tickets.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findWorkspaceTicket, insertMessage, updateTicket } from './queries.ts';
import { assertTransition } from './status.ts';

/** Staff change status, priority and/or assignee; each change becomes a timeline event. */
export async function updateTicketFields(
  ctx: StaffCtx,
  number: number,
  input: z.infer<typeof updateTicketBody>,
): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const ticket = await findWorkspaceTicket(tx, ctx.workspaceId, number, true);
    if (!ticket) throw new AppError('not_found');
    if (ticket.status === 'closed') throw new AppError('ticket_closed');

    const changes: { field: 'status' | 'priority' | 'assignee'; from: string | null; to: string | null }[] = [];
    const set: Parameters<typeof updateTicket>[3] = {};

    if (input.status !== undefined && input.status !== ticket.status) {
      assertTransition(ticket.status, input.status);
      set.status = input.status;
      changes.push({ field: 'status', from: ticket.status, to: input.status });
    }
    if (input.priority !== undefined && input.priority !== ticket.priority) {
      set.priority = input.priority;
      changes.push({ field: 'priority', from: ticket.priority, to: input.priority });
    }
    if (input.assigneeId !== undefined && input.assigneeId !== ticket.assignee_id) {
      let toName: string | null = null;
      if (input.assigneeId !== null) {
        // Only an active staff member of this workspace; anything else is "not found".
        const staff = await first<{ name: string }>(
          tx,
          `select name from staff where workspace_id = $1 and id = $2 and status = 'active'`,
          [ctx.workspaceId, input.assigneeId],
        );
        if (!staff) {
          throw new AppError('validation_failed', {
            fields: [{ field: 'assigneeId', message: 'No such staff member in this workspace' }],
          });
        }
        toName = staff.name;
      }
      set.assignee_id = input.assigneeId;
      changes.push({ field: 'assignee', from: ticket.assignee_name, to: toName });
    }
    if (changes.length === 0) return;

    await updateTicket(tx, ctx.workspaceId, ticket.id, set);
    for (const change of changes) {
      await insertMessage(tx, {
        workspaceId: ctx.workspaceId,
        ticketId: ticket.id,
        kind: 'event',
        public: true,
        body: '',
        authorStaffId: ctx.actor.id,
        event: change,
      });
      await record({ type: `ticket.${change.field}_changed`, ticketId: ticket.id, payload: change });
    }
  });
}
