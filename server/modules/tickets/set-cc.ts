import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { lockOpenTicket } from './timeline.ts';

/** Staff set the contacts copied on a ticket; only active contacts of the ticket's own client qualify. */
export async function setCc(ctx: StaffCtx, number: number, contactIds: string[]): Promise<void> {
  const wanted = [...new Set(contactIds)];
  await mutate(ctx, async (tx, record) => {
    const ticket = await lockOpenTicket(tx, ctx, number);
    const valid = await tx.query<{ id: string }>(
      `select id from contacts
        where workspace_id = $1 and client_id = $2 and id = any($3::uuid[]) and id <> $4 and status = 'active'`,
      [ctx.workspaceId, ticket.client_id, wanted, ticket.requester_id],
    );
    if (valid.length !== wanted.length) {
      const ok = new Set(valid.map((v) => v.id));
      throw new AppError('validation_failed', {
        fields: wanted
          .filter((id) => !ok.has(id))
          .map((id) => ({
            field: `contactIds.${wanted.indexOf(id)}`,
            message: "Not an active contact of this ticket's client (the requester is always included)",
          })),
      });
    }
    await tx.query('delete from ticket_cc where workspace_id = $1 and ticket_id = $2 and contact_id <> all($3::uuid[])', [
      ctx.workspaceId,
      ticket.id,
      wanted,
    ]);
    await tx.query(
      `insert into ticket_cc (workspace_id, client_id, ticket_id, contact_id)
       select $1, $2, $3, unnest($4::uuid[]) on conflict do nothing`,
      [ctx.workspaceId, ticket.client_id, ticket.id, wanted],
    );
    await tx.query('update tickets set updated_at = clock_timestamp() where workspace_id = $1 and id = $2', [
      ctx.workspaceId,
      ticket.id,
    ]);
    await record({ type: 'ticket.cc_changed', ticketId: ticket.id, payload: { contactIds: wanted } });
  });
}
