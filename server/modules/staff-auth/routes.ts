import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { signInBody, type StaffBootstrap } from '../../../contracts/session.ts';
import type { Deps } from '../../platform/context.ts';
import { revokeSessionByToken } from '../../platform/auth/sessions.ts';
import { credentialRateLimit, declare, parse } from '../../platform/http/route-config.ts';
import { cookieOptions, noStore, portalBase, STAFF_COOKIE } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { signInStaff } from './sign-in.ts';

/** Staff session API, under `/staff/api`. */
export async function staffAuthRoutes(app: FastifyInstance, { deps, config }: { deps: Deps; config: Config }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/bootstrap', declare('staff', 'anyone'), async (request): Promise<StaffBootstrap> => {
    const session = request.staff;
    if (!session) return { session: null };
    const ws = await workspaceById(deps.db, session.workspaceId);
    const { id, name, email, role } = session.actor;
    return {
      session: {
        staff: { id, name, email, role },
        workspace: { name: ws.name, slug: ws.slug, portalUrl: `${config.publicUrl}${portalBase(ws.slug)}` },
        csrfToken: session.csrfToken,
      },
    };
  });

  app.post('/auth/sign-in', declare('staff', 'anyone', credentialRateLimit), async (request, reply) => {
    const { token } = await signInStaff(deps, config, parse(signInBody, request.body), {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      previousToken: request.cookies[STAFF_COOKIE],
    });
    reply.setCookie(STAFF_COOKIE, token, cookieOptions(config, '/staff', config.sessionTtlHours * 3600));
    return { ok: true };
  });

  app.post('/auth/sign-out', declare('staff', 'staff'), async (request, reply) => {
    const token = request.cookies[STAFF_COOKIE];
    if (token) await revokeSessionByToken(deps.db, token);
    reply.clearCookie(STAFF_COOKIE, cookieOptions(config, '/staff'));
    return { ok: true };
  });
}
