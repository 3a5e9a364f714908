import type { z } from 'zod';
import type { createTicketBody } from '../../../contracts/tickets.ts';
import type { PortalCtx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { failpoint } from '../../platform/failpoint.ts';
import { onceFor } from '../../platform/idempotency.ts';
import { claimAttachments } from '../attachments/claim.ts';

/** Hands out the workspace's next ticket number; the row lock serialises concurrent creates. */
export async function nextTicketNumber(tx: Sql, workspaceId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    'update workspaces set ticket_seq = ticket_seq + 1 where id = $1 returning ticket_seq as n',
    [workspaceId],
  );
  return row!.n;
}

/**
 * A contact opens a ticket from the portal. Requester and client are the signed-in
 * contact's own; nothing in the body can choose them. Files uploaded beforehand are
 * claimed in the same transaction; a retry with the same idempotency key returns the
 * first ticket.
 */
export async function createPortalTicket(
  ctx: PortalCtx,
  settings: { ticketCreation: boolean },
  input: z.infer<typeof createTicketBody>,
  idempotencyKey?: string,
): Promise<{ number: number }> {
  if (!settings.ticketCreation) throw new AppError('portal_ticket_creation_disabled');
  return mutate(ctx, (tx, record) => onceFor(tx, ctx, idempotencyKey, 'ticket.create', input, async () => {
    // The number and the row in one statement: the workspace row stays locked from here to
    // the commit, and concurrent creates queue on it, so every round trip saved here counts.
    const [row] = await tx.query<{ id: string; number: number }>(
      `with n as (update workspaces set ticket_seq = ticket_seq + 1 where id = $1 returning ticket_seq)
       insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source)
       select $1, n.ticket_seq, $2, $3, $4, $5, $6, 'new', 'portal' from n returning id, number`,
      [ctx.workspaceId, ctx.actor.clientId, ctx.actor.id, input.subject, input.description, input.priority],
    );
    const number = row!.number;
    const files = await claimAttachments(tx, ctx, input.attachmentIds, { ticketId: row!.id, messageId: null });
    await record({ type: 'ticket.created', ticketId: row!.id, payload: { number, source: 'portal', files } });
    failpoint(ctx.config.failpoint, 'ticket.before-commit');
    return { number };
  }));
}
