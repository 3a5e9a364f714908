/**
 * Custom domains: admins manage them under `/staff/api/domains`; ACME's HTTP-01 answers are
 * served to anyone at `/.well-known/acme-challenge/:token`, on any host.
 */
import type { FastifyInstance } from 'fastify';
import { addDomainBody, type CustomDomain } from '../../../contracts/domains.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, idParam, parse } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { addDomain, checkDomainAgain, removeDomain } from './manage-domains.ts';
import { findDomain, listDomains } from './queries.ts';

export async function domainRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const target = deps.config.domains.cnameTarget;

  app.get('/domains', declare('staff', 'admin'), async (request) => {
    const ctx = staffCtx(deps, request);
    return { items: await listDomains(ctx.db, ctx.workspaceId, target), cnameTarget: target };
  });

  app.get('/domains/:id', declare('staff', 'admin'), async (request): Promise<CustomDomain> => {
    const ctx = staffCtx(deps, request);
    const domain = await findDomain(ctx.db, ctx.workspaceId, idParam(request.params), target);
    if (!domain) throw new AppError('not_found');
    return domain;
  });

  app.post('/domains', declare('staff', 'admin'), async (request, reply): Promise<CustomDomain> => {
    const ctx = staffCtx(deps, request);
    const { id } = await addDomain(ctx, parse(addDomainBody, request.body));
    reply.code(201);
    return (await findDomain(ctx.db, ctx.workspaceId, id, target))!;
  });

  app.post('/domains/:id/check', declare('staff', 'admin'), async (request): Promise<CustomDomain> => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    await checkDomainAgain(ctx, id);
    return (await findDomain(ctx.db, ctx.workspaceId, id, target))!;
  });

  app.delete('/domains/:id', declare('staff', 'admin'), async (request, reply) => {
    await removeDomain(staffCtx(deps, request), idParam(request.params));
    return reply.code(204).send();
  });
}

/**
 * For a proxy with on-demand TLS (Caddy's `on_demand_tls { ask … }`): 200 only for a domain
 * an admin added whose DNS points here, so no TLS client can make the proxy order a
 * certificate for any other name.
 */
export async function tlsAskRoute(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.get('/.well-known/portico/tls-ask', declare('public', 'anyone'), async (request, reply) => {
    const domain = String((request.query as { domain?: unknown }).domain ?? '').toLowerCase().replace(/\.$/, '');
    const [row] = await deps.db.query('select 1 from custom_domains where hostname = $1 and state in ($2, $3, $4)', [
      domain,
      'dns_verified',
      'issuing',
      'active',
    ]);
    if (!row) throw new AppError('not_found');
    return reply.header('cache-control', 'no-store').send({ ok: true });
  });
}

/** The key authorization for a pending order's token, whichever process stored it. */
export async function acmeChallengeRoute(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.get('/.well-known/acme-challenge/:token', declare('public', 'anyone'), async (request, reply) => {
    const { token } = request.params as { token: string };
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(token)) throw new AppError('not_found');
    const [row] = await deps.db.query<{ key_authorization: string }>('select key_authorization from acme_challenges where token = $1', [token]);
    if (!row) throw new AppError('not_found');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(row.key_authorization);
  });
}
