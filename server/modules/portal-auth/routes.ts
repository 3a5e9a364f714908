import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { signInBody, type PortalBootstrap } from '../../../contracts/session.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { revokeSessionByToken } from '../../platform/auth/sessions.ts';
import { credentialRateLimit, declare, parse } from '../../platform/http/route-config.ts';
import { cookieOptions, noStore, PORTAL_COOKIE, portalBase } from '../../platform/http/surfaces.ts';
import { signInContact } from './sign-in.ts';

/** Portal session API, under `/portal/:slug/api`. */
export async function portalAuthRoutes(app: FastifyInstance, { deps, config }: { deps: Deps; config: Config }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/bootstrap', declare('portal', 'anyone'), async (request): Promise<PortalBootstrap> => {
    const { workspace, session } = request.portal!;
    let contact: NonNullable<PortalBootstrap['session']>['contact'] | undefined;
    if (session) {
      const client = await first<{ name: string }>(deps.db, 'select name from clients where workspace_id = $1 and id = $2', [
        workspace.id,
        session.actor.clientId,
      ]);
      const { id, name, email, role } = session.actor;
      contact = { id, name, email, role, client: { name: client?.name ?? '' } };
    }
    return {
      workspace: {
        name: workspace.name,
        slug: workspace.slug,
        settings: { ticketCreation: workspace.portal_ticket_creation, ticketClosing: workspace.portal_ticket_closing },
      },
      session: session && contact ? { contact, csrfToken: session.csrfToken } : null,
    };
  });

  app.post('/auth/sign-in', declare('portal', 'anyone', credentialRateLimit), async (request, reply) => {
    const { workspace } = request.portal!;
    const input = parse(signInBody, request.body);
    const { token } = await signInContact(deps, config, workspace.id, input, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      previousToken: request.cookies[PORTAL_COOKIE],
    });
    reply.setCookie(PORTAL_COOKIE, token, cookieOptions(config, portalBase(workspace.slug), config.sessionTtlHours * 3600));
    return { ok: true };
  });

  app.post('/auth/sign-out', declare('portal', 'contact'), async (request, reply) => {
    const token = request.cookies[PORTAL_COOKIE];
    if (token) await revokeSessionByToken(deps.db, token);
    reply.clearCookie(PORTAL_COOKIE, cookieOptions(config, portalBase(request.portal!.workspace.slug)));
    return { ok: true };
  });
}
