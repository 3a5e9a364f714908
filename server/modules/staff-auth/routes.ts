import { limitsOf } from '../attachments/present.ts';
import type { FastifyInstance } from 'fastify';
import { signInBody, type StaffBootstrap } from '../../../contracts/session.ts';
import type { SignInResult } from '../../../contracts/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { revokeSessionByToken } from '../../platform/auth/sessions.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
import { cookieOptions, noStore, portalBase, safeNext, setSessionCookie, STAFF_COOKIE } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { forgive } from '../../platform/rate-limit.ts';
import { limitCredentialAttempt } from '../portal-auth/limits.ts';
import { signInStaff } from './sign-in.ts';

/** Staff session API, under `/staff/api`. */
export async function staffAuthRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const { config } = deps;
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/bootstrap', declare('staff', 'anyone'), async (request): Promise<StaffBootstrap> => {
    const session = request.staff;
    if (!session) return { session: null };
    if (session.stage === 'mfa') {
      const row = await first<{ enrolled: boolean }>(
        deps.db,
        'select totp_enabled_at is not null as enrolled from staff where workspace_id = $1 and id = $2',
        [session.workspaceId, session.actor.id],
      );
      return { session: { stage: 'mfa', mfa: { enrolled: row?.enrolled ?? false }, csrfToken: session.csrfToken } };
    }
    const ws = await workspaceById(deps.db, session.workspaceId);
    const { id, name, email, role } = session.actor;
    return {
      session: {
        stage: 'active',
        staff: { id, name, email, role },
        workspace: { name: ws.name, slug: ws.slug, portalUrl: `${config.publicUrl}${portalBase(ws.slug)}`, attachments: limitsOf(ws) },
        csrfToken: session.csrfToken,
      },
    };
  });

  app.post('/auth/sign-in', declare('staff', 'anyone'), async (request, reply): Promise<SignInResult> => {
    const input = parse(signInBody, request.body);
    const counters = await limitCredentialAttempt(deps.db, 'staff-sign-in', request.ip, input.email.toLowerCase());
    const s = await signInStaff(deps, config, input, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      previousToken: request.cookies[STAFF_COOKIE],
    });
    await forgive(deps.db, counters);
    setSessionCookie(reply, config, 'staff', '', s.token);
    return { ok: true, stage: s.stage, next: safeNext('/staff', input.next) };
  });

  app.post('/auth/sign-out', declare('staff', 'staff-mfa'), async (request, reply) => {
    const token = request.cookies[STAFF_COOKIE];
    if (token) await revokeSessionByToken(deps.db, token);
    reply.clearCookie(STAFF_COOKIE, cookieOptions(config, '/staff'));
    return { ok: true };
  });
}
