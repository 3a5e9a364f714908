import type { FastifyInstance } from 'fastify';
import {
  setCcBody,
  staffListQuery,
  staffMessageBody,
  ticketNumberParam,
  updateTicketBody,
} from '../../../contracts/tickets.ts';
import type { Deps } from '../../platform/context.ts';
import { idempotencyKey } from '../../platform/idempotency.ts';
import { declare, parse, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { addStaffMessage } from './add-staff-message.ts';
import { getStaffTicket, listStaffTickets } from './read-tickets.ts';
import { setCc } from './set-cc.ts';
import { updateTicketFields } from './update-ticket.ts';

/** Staff ticket API, under `/staff/api`. */
export async function staffTicketRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/tickets', declare('staff', 'staff'), async (request) =>
    listStaffTickets(staffCtx(deps, request), parse(staffListQuery, request.query)),
  );

  app.get('/tickets/:number', declare('staff', 'staff'), async (request) => {
    const { number } = parse(ticketNumberParam, request.params);
    return getStaffTicket(staffCtx(deps, request), number);
  });

  app.post('/tickets/:number/messages', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await addStaffMessage(ctx, number, parse(staffMessageBody, request.body), idempotencyKey(request.headers));
    reply.code(201);
    return getStaffTicket(ctx, number);
  });

  app.patch('/tickets/:number', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await updateTicketFields(ctx, number, parse(updateTicketBody, request.body));
    return getStaffTicket(ctx, number);
  });

  app.put('/tickets/:number/cc', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const { number } = parse(ticketNumberParam, request.params);
    await setCc(ctx, number, parse(setCcBody, request.body).contactIds);
    return getStaffTicket(ctx, number);
  });
}
