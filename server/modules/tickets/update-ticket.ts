import type { z } from 'zod';
import type { ThreadEvent, updateTicketBody } from '../../../contracts/tickets.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { updateTicket } from './queries.ts';
import { assertTransition } from './status.ts';
import { addChange, lockOpenTicket } from './timeline.ts';

/** Staff change status, priority and/or assignee; each change becomes a timeline event. */
export async function updateTicketFields(
  ctx: StaffCtx,
  number: number,
  input: z.infer<typeof updateTicketBody>,
): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const ticket = await lockOpenTicket(tx, ctx, number);
    const changes: ThreadEvent[] = [];
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
    for (const change of changes) await addChange({ tx, record, ctx, ticketId: ticket.id }, change);
  });
}
