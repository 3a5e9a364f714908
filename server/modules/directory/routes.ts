import type { FastifyInstance } from 'fastify';
import { createClientBody, createContactBody, type ClientDetail } from '../../../contracts/directory.ts';
import { inviteBody, updateClientBody } from '../../../contracts/auth.ts';
import { mutate } from '../../platform/events.ts';
import { inviteContact } from '../invitations/invite-contact.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, idParam, parse } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { createClient } from './create-client.ts';
import { createContact } from './create-contact.ts';
import { findClient, listClients, listContacts, listStaff } from './queries.ts';

/** Staff directory API (staff members, clients, contacts), under `/staff/api`. */
export async function directoryRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/staff-members', declare('staff', 'staff'), async (request) => {
    const ctx = staffCtx(deps, request);
    return { items: await listStaff(ctx.db, ctx.workspaceId) };
  });

  app.get('/clients', declare('staff', 'staff'), async (request) => {
    const ctx = staffCtx(deps, request);
    return { items: await listClients(ctx.db, ctx.workspaceId) };
  });

  app.post('/clients', declare('staff', 'admin'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const { id } = await createClient(ctx, parse(createClientBody, request.body).name);
    reply.code(201);
    return { id };
  });

  app.get('/clients/:id', declare('staff', 'staff'), async (request): Promise<ClientDetail> => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const client = await findClient(ctx.db, ctx.workspaceId, id);
    if (!client) throw new AppError('not_found');
    return { ...client, contacts: await listContacts(ctx.db, ctx.workspaceId, id) };
  });

  app.patch('/clients/:id', declare('staff', 'admin'), async (request): Promise<ClientDetail> => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const input = parse(updateClientBody, request.body);
    await mutate(ctx, async (tx, record) => {
      const rows = await tx.query(
        `update clients set name = coalesce($3, name), email_domains = coalesce($4::text[], email_domains), updated_at = now()
          where workspace_id = $1 and id = $2 returning id`,
        [ctx.workspaceId, id, input.name ?? null, input.emailDomains ? [...new Set(input.emailDomains)] : null],
      );
      if (!rows.length) throw new AppError('not_found');
      await record({ type: 'client.updated', payload: { clientId: id, ...input } });
    });
    const client = await findClient(ctx.db, ctx.workspaceId, id);
    return { ...client!, contacts: await listContacts(ctx.db, ctx.workspaceId, id) };
  });

  app.post('/clients/:id/invitations', declare('staff', 'staff'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const { contactId } = await inviteContact(ctx, id, parse(inviteBody, request.body));
    reply.code(201);
    return { ok: true, contactId };
  });

  app.post('/clients/:id/contacts', declare('staff', 'staff'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const created = await createContact(ctx, id, parse(createContactBody, request.body));
    reply.code(201);
    return created;
  });
}
