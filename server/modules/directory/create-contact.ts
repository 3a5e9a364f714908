import type { z } from 'zod';
import type { createContactBody } from '../../../contracts/directory.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import { findClient } from './queries.ts';

/** Staff add a contact to one of the workspace's clients, with an initial password (staff vouch for the address). */
export async function createContact(
  ctx: StaffCtx,
  clientId: string,
  input: z.infer<typeof createContactBody>,
): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  return mutate(ctx, async (tx, record) => {
    if (!(await findClient(tx, ctx.workspaceId, clientId))) throw new AppError('not_found');
    const [row] = await tx.query<{ id: string }>(
      `insert into contacts (workspace_id, client_id, email, name, role, password_hash, email_verified_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (workspace_id, email) do nothing returning id`,
      [ctx.workspaceId, clientId, input.email, input.name, input.role, passwordHash],
    );
    if (!row) throw new AppError('email_taken', { fields: [{ field: 'email', message: 'Already used in this workspace' }] });
    await record({ type: 'contact.created', payload: { contactId: row.id, clientId, role: input.role } });
    return row;
  });
}
