import type { z } from 'zod';
import type { inviteBody } from '../../../contracts/auth.ts';
import type { Ctx } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { revokeContactTokens } from '../../platform/auth/auth-tokens.ts';
import { underMailLimit } from '../../platform/rate-limit.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { mailInvitation } from '../portal-auth/links.ts';

/**
 * Invites a person to a client's portal: creates the contact if new (no password until
 * they choose one), kills any earlier invitation link and mails a welcome with a
 * set-password link bound to that contact. Staff learn when the address belongs to another
 * client (`email_taken`); a client's manager is told nothing about other clients' people.
 */
export async function inviteContact(
  ctx: Ctx,
  clientId: string,
  input: z.infer<typeof inviteBody>,
): Promise<{ contactId: string | null }> {
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  const byManager = ctx.actor.type === 'contact';
  if (byManager && !(await underMailLimit(ctx.db, `mail:${ws.id}:${input.email}`))) return { contactId: null };
  return mutate(ctx, async (tx, record) => {
    const client = await first<{ id: string }>(tx, 'select id from clients where workspace_id = $1 and id = $2', [ws.id, clientId]);
    if (!client) throw new AppError('not_found');
    let contact = await first<{ id: string; client_id: string; status: string; password_hash: string | null }>(
      tx,
      'select id, client_id, status, password_hash from contacts where workspace_id = $1 and email = $2 for update',
      [ws.id, input.email],
    );
    if (contact && contact.client_id !== clientId) {
      if (byManager) return { contactId: null };
      throw new AppError('email_taken', { fields: [{ field: 'email', message: 'This address belongs to a contact of another client' }] });
    }
    if (contact?.status === 'disabled') {
      if (byManager) return { contactId: null };
      throw new AppError('validation_failed', { fields: [{ field: 'email', message: 'This contact is disabled' }] });
    }
    if (!contact) {
      const [row] = await tx.query<{ id: string }>(
        `insert into contacts (workspace_id, client_id, email, name, role) values ($1, $2, $3, $4, $5) returning id`,
        [ws.id, clientId, input.email, input.name, input.role],
      );
      contact = { id: row!.id, client_id: clientId, status: 'active', password_hash: null };
    }
    await revokeContactTokens(tx, ws.id, contact.id, ['invitation']);
    await mailInvitation(ctx, tx, ws, { id: contact.id, email: input.email, name: input.name }, {
      name: ctx.actor.name,
      ...(ctx.actor.type === 'staff' ? { staffId: ctx.actor.id } : { contactId: ctx.actor.id }),
    });
    await record({ type: 'contact.invited', payload: { contactId: contact.id, clientId } });
    return { contactId: contact.id };
  });
}
