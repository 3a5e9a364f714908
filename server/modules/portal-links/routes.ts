import type { FastifyInstance } from 'fastify';
import { ticketNumberParam } from '../../../contracts/tickets.ts';
import type { Deps } from '../../platform/context.ts';
import { declare, idParam, parse } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { listPortalLinks, revokePortalLink, sendPortalLink } from './portal-links.ts';

/** Staff side of portal access links, under `/staff/api`. */
export async function portalLinkRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/tickets/:number/portal-links', declare('staff', 'staff'), async (request) => {
    const { number } = parse(ticketNumberParam, request.params);
    return { items: await listPortalLinks(staffCtx(deps, request), number) };
  });

  app.post('/tickets/:number/portal-links', declare('staff', 'staff'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await sendPortalLink(ctx, number);
    reply.code(201);
    return { items: await listPortalLinks(ctx, number) };
  });

  app.post('/portal-links/:id/revoke', declare('staff', 'staff'), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    const number = await revokePortalLink(ctx, id);
    return { items: await listPortalLinks(ctx, number) };
  });
}
