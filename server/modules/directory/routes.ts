import type { FastifyInstance } from 'fastify';
import { createClientBody, createContactBody, idParam, type ClientDetail } from '../../../contracts/directory.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
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
    const { id } = parse(idParam, request.params);
    const client = await findClient(ctx.db, ctx.workspaceId, id);
    if (!client) throw new AppError('not_found');
    return { ...client, contacts: await listContacts(ctx.db, ctx.workspaceId, id) };
  });

  app.post('/clients/:id/contacts', declare('staff', 'staff'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const { id } = parse(idParam, request.params);
    const created = await createContact(ctx, id, parse(createContactBody, request.body));
    reply.code(201);
    return created;
  });
}
