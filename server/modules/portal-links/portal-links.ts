/**
 * Portal access links: staff send a contact a personal link that signs them in and opens one
 * ticket. Multi-use until it expires or is revoked; every use is logged and shown to staff.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalLinkInfo } from '../../../contracts/auth.ts';
import type { Deps, StaffCtx } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { findLiveToken } from '../../platform/auth/auth-tokens.ts';
import { openSession } from '../../platform/auth/start-session.ts';
import { portalBase, PORTAL_COOKIE, setSessionCookie } from '../../platform/http/surfaces.ts';
import { domainOf } from '../../platform/http/host-routing.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { findWorkspaceTicket } from '../tickets/queries.ts';
import { mailAccessLink } from '../portal-auth/links.ts';
import { linkExpiredPage, PAGE_CSP } from '../../platform/http/pages.ts';

export async function sendPortalLink(ctx: StaffCtx, number: number): Promise<void> {
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  if (!ws.signin_access_link) throw new AppError('sign_in_method_disabled');
  await mutate(ctx, async (tx, record) => {
    const ticket = await findWorkspaceTicket(tx, ctx.workspaceId, number);
    if (!ticket) throw new AppError('not_found');
    await mailAccessLink(
      ctx,
      tx,
      ws,
      { id: ticket.requester_id, email: ticket.requester_email, name: ticket.requester_name },
      { id: ticket.id, number: ticket.number, subject: ticket.subject },
      ctx.actor.id,
    );
    await record({ type: 'ticket.portal_link_sent', ticketId: ticket.id, payload: { contactId: ticket.requester_id } });
  });
}

export async function listPortalLinks(ctx: StaffCtx, number: number): Promise<PortalLinkInfo[]> {
  const ticket = await findWorkspaceTicket(ctx.db, ctx.workspaceId, number);
  if (!ticket) throw new AppError('not_found');
  const rows = await ctx.db.query<{
    id: string;
    contact_name: string;
    contact_email: string;
    created_by: string | null;
    created_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    uses: { used_at: string; ip: string | null; user_agent: string | null }[] | null;
  }>(
    `select t.id, c.name as contact_name, c.email::text as contact_email, s.name as created_by, t.created_at, t.expires_at, t.revoked_at,
            (select json_agg(json_build_object('used_at', u.used_at, 'ip', u.ip, 'user_agent', u.user_agent) order by u.used_at desc)
               from auth_token_uses u where u.workspace_id = t.workspace_id and u.token_id = t.id) as uses
       from auth_tokens t
       join contacts c on c.workspace_id = t.workspace_id and c.id = t.contact_id
       left join staff s on s.workspace_id = t.workspace_id and s.id = t.created_by_staff_id
      where t.workspace_id = $1 and t.ticket_id = $2 and t.purpose = 'access_link'
      order by t.created_at desc`,
    [ctx.workspaceId, ticket.id],
  );
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    contact: { name: r.contact_name, email: r.contact_email },
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    status: r.revoked_at ? 'revoked' : r.expires_at.getTime() <= now ? 'expired' : 'active',
    uses: (r.uses ?? []).map((u) => ({ usedAt: new Date(u.used_at).toISOString(), ip: u.ip, userAgent: u.user_agent })),
  }));
}

/** Revokes one link of this workspace; returns the ticket number it belongs to. */
export async function revokePortalLink(ctx: StaffCtx, id: string): Promise<number> {
  return mutate(ctx, async (tx, record) => {
    const row = await first<{ ticket_id: string; number: number }>(
      tx,
      `update auth_tokens t set revoked_at = coalesce(t.revoked_at, now())
         from tickets k
        where t.workspace_id = $1 and t.id = $2 and t.purpose = 'access_link'
          and k.workspace_id = t.workspace_id and k.id = t.ticket_id
        returning t.ticket_id, k.number`,
      [ctx.workspaceId, id],
    );
    if (!row) throw new AppError('not_found');
    await record({ type: 'ticket.portal_link_revoked', ticketId: row.ticket_id, payload: { linkId: id } });
    return row.number;
  });
}

/**
 * GET /portal/access/{token}: logs the use, opens a session for the link's contact and
 * redirects to the ticket at once, so the token leaves the address bar (and, with
 * `Referrer-Policy: no-referrer`, is never sent on to anyone).
 */
export async function openPortalLink(deps: Deps, request: FastifyRequest, reply: FastifyReply, token: string) {
  await enforce(deps.db, [{ key: `ip:access-link:${request.ip}`, max: 30, windowSeconds: 60 }]);
  const domain = domainOf(request.raw);
  const result = /^[A-Za-z0-9_-]{64}$/.test(token)
    ? await deps.db.tx(async (tx) => {
        const link = await findLiveToken(tx, 'access_link', token);
        if (!link?.contact_id || !link.ticket_id) return undefined;
        const ws = await workspaceById(tx, link.workspace_id);
        const target = await first<{ number: number; status: string; client_id: string }>(
          tx,
          `select k.number, c.status, c.client_id from tickets k join contacts c on c.workspace_id = k.workspace_id and c.id = $3
            where k.workspace_id = $1 and k.id = $2`,
          [link.workspace_id, link.ticket_id, link.contact_id],
        );
        if (!ws.signin_access_link || !target || target.status !== 'active') return undefined;
        // On a custom domain, only links of that portal's own people open.
        if (domain && (domain.workspaceId !== ws.id || (domain.clientId && domain.clientId !== target.client_id))) return undefined;
        const userAgent = request.headers['user-agent']?.slice(0, 400);
        await tx.query('insert into auth_token_uses (workspace_id, token_id, ip, user_agent) values ($1, $2, $3, $4)', [
          link.workspace_id,
          link.id,
          request.ip,
          userAgent ?? null,
        ]);
        const session = await openSession(
          tx,
          deps.config,
          { workspaceId: ws.id, surface: 'portal', subjectId: link.contact_id, method: 'access_link' },
          { ip: request.ip, userAgent, previousToken: request.cookies[PORTAL_COOKIE] },
        );
        return { session, slug: ws.slug, number: target.number };
      })
    : undefined;
  reply.header('cache-control', 'no-store');
  if (!result) {
    return reply.code(404).header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(linkExpiredPage());
  }
  deps.bus.publish(result.session.event);
  const base = domain ? '' : portalBase(result.slug);
  setSessionCookie(reply, deps.config, 'portal', base || '/', result.session.token);
  return reply.redirect(`${base}/tickets/${result.number}`, 303);
}
