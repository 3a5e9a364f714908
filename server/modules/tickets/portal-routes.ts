import type { FastifyInstance } from 'fastify';
import {
  closeBody,
  createTicketBody,
  portalListQuery,
  replyBody,
  ticketNumberParam,
} from '../../../contracts/tickets.ts';
import type { Deps } from '../../platform/context.ts';
import { declare, parse, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { idempotencyKey } from '../../platform/idempotency.ts';
import { noStore, portalCtx } from '../../platform/http/surfaces.ts';
import { closeAsContact } from './close-as-contact.ts';
import { createPortalTicket } from './create-ticket.ts';
import { getPortalTicket, listPortalTickets } from './read-tickets.ts';
import { replyAsContact } from './reply-as-contact.ts';

const settingsOf = (request: { portal: { workspace: { slug: string; portal_ticket_creation: boolean; portal_ticket_closing: boolean } } | null }) => ({
  slug: request.portal!.workspace.slug,
  ticketCreation: request.portal!.workspace.portal_ticket_creation,
  ticketClosing: request.portal!.workspace.portal_ticket_closing,
});

/** Portal ticket API, under `/portal/:slug/api`. */
export async function portalTicketRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/tickets', declare('portal', 'contact'), async (request) =>
    listPortalTickets(portalCtx(deps, request), parse(portalListQuery, request.query)),
  );

  app.post('/tickets', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    const input = parse(createTicketBody, request.body);
    const created = await createPortalTicket(ctx, settingsOf(request), input, idempotencyKey(request.headers));
    reply.code(201);
    return created;
  });

  app.get('/tickets/:number', declare('portal', 'contact'), async (request) => {
    const { number } = parse(ticketNumberParam, request.params);
    return getPortalTicket(portalCtx(deps, request), settingsOf(request), number);
  });

  app.post('/tickets/:number/replies', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await replyAsContact(ctx, number, parse(replyBody, request.body), idempotencyKey(request.headers));
    reply.code(201);
    return getPortalTicket(ctx, settingsOf(request), number);
  });

  app.post('/tickets/:number/close', declare('portal', 'contact', KEEPS_AUTH), async (request) => {
    const ctx = portalCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await closeAsContact(ctx, settingsOf(request), number, parse(closeBody, request.body).message);
    return getPortalTicket(ctx, settingsOf(request), number);
  });
}
