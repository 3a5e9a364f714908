import { limitsOf } from '../attachments/present.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signInBody, type PortalBootstrap } from '../../../contracts/session.ts';
import { emailBody, registerBody, resetPasswordBody, tokenBody, type LinkRequested, type SignInResult } from '../../../contracts/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import { revokeSessionByToken, type SessionStage } from '../../platform/auth/sessions.ts';
import type { SignInMeta } from '../../platform/auth/start-session.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
import { cookieOptions, noStore, PORTAL_COOKIE, portalHome, safeNext, setSessionCookie } from '../../platform/http/surfaces.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';
import { forgive } from '../../platform/rate-limit.ts';
import { limitCredentialAttempt } from './limits.ts';
import { requestBranding } from '../branding/portal-routes.ts';
import type { EffectiveBranding } from '../../../contracts/branding.ts';
import { acceptInvitation, redeemMagicLink, resetPassword, verifyEmail } from './redeem-link.ts';
import { signInContact } from './sign-in.ts';

const LINK_SENT: LinkRequested = {
  ok: true,
  message: 'If this address can use the portal, an email is on its way. It can take a minute; check your spam folder too.',
};

const meta = (request: FastifyRequest): SignInMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
  previousToken: request.cookies[PORTAL_COOKIE],
});

/** Portal session API, under `/portal/:slug/api`. */
export async function portalAuthRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  const { config } = deps;
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const ws = (request: FastifyRequest) => request.portal!.workspace;

  /** Sets the cookie of a new session and says where to go next. */
  const signedIn = (request: FastifyRequest, reply: FastifyReply, s: { token: string; stage: SessionStage }, next?: unknown): SignInResult => {
    setSessionCookie(reply, config, 'portal', portalHome(request), s.token);
    return { ok: true, stage: s.stage, next: safeNext(portalHome(request), next) };
  };

  app.get('/bootstrap', declare('portal', 'anyone'), async (request): Promise<PortalBootstrap> => {
    const { workspace, session } = request.portal!;
    const { effective } = await requestBranding(deps, request);
    return {
      workspace: presentWorkspace(workspace, effective),
      session: session ? await presentSession(deps, workspace, session) : null,
    };
  });

  app.post('/auth/sign-in', declare('portal', 'anyone'), async (request, reply) => {
    const input = parse(signInBody, request.body);
    const counters = await limitCredentialAttempt(deps.db, 'sign-in', request.ip, `${ws(request).id}:${input.email.toLowerCase()}`);
    const session = await signInContact(deps, ws(request), input, meta(request), request.portal!.domain?.clientId ?? null);
    await forgive(deps.db, counters);
    return signedIn(request, reply, session, (request.body as { next?: unknown }).next);
  });

  app.post('/auth/sign-out', declare('portal', 'contact-mfa'), async (request, reply) => {
    const token = request.cookies[PORTAL_COOKIE];
    if (token) await revokeSessionByToken(deps.db, token);
    reply.clearCookie(PORTAL_COOKIE, cookieOptions(config, portalHome(request)));
    return { ok: true };
  });

  // Link requests: validate, count, enqueue, and answer the same whatever the address.
  const linkRequest = (endpoint: string, job: 'auth.magic-link' | 'auth.password-reset', enabled: (w: WorkspaceRow) => boolean) =>
    app.post(`/auth/${endpoint}`, declare('portal', 'anyone'), async (request, reply) => {
      const { email } = parse(emailBody, request.body);
      if (!enabled(ws(request))) throw new AppError('sign_in_method_disabled');
      await limitCredentialAttempt(deps.db, endpoint, request.ip);
      await deps.jobs.send(deps.db, job, { workspaceId: ws(request).id, email });
      reply.code(202);
      return LINK_SENT;
    });
  linkRequest('magic-link', 'auth.magic-link', (w) => w.signin_magic_link);
  linkRequest('forgot-password', 'auth.password-reset', (w) => w.signin_password);

  app.post('/auth/register', declare('portal', 'anyone'), async (request, reply) => {
    const input = parse(registerBody, request.body);
    if (ws(request).registration === 'off') throw new AppError('registration_disabled');
    await limitCredentialAttempt(deps.db, 'register', request.ip);
    // Hashed and stored for every request, so a known address costs the same as an unknown one.
    const passwordHash = await hashPassword(input.password);
    await deps.db.tx(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        'insert into registration_requests (workspace_id, email, name, password_hash) values ($1, $2, $3, $4) returning id',
        [ws(request).id, input.email, input.name, passwordHash],
      );
      await deps.jobs.send(tx, 'auth.register', { id: row!.id });
    });
    reply.code(202);
    return LINK_SENT;
  });

  app.post('/auth/magic-link/redeem', declare('portal', 'anyone'), async (request, reply) => {
    const { token } = parse(tokenBody, request.body);
    await limitCredentialAttempt(deps.db, 'redeem', request.ip);
    return signedIn(request, reply, await redeemMagicLink(deps, ws(request), token, meta(request)));
  });

  app.post('/auth/verify-email', declare('portal', 'anyone'), async (request, reply) => {
    const { token } = parse(tokenBody, request.body);
    await limitCredentialAttempt(deps.db, 'redeem', request.ip);
    return signedIn(request, reply, await verifyEmail(deps, ws(request), token, meta(request)));
  });

  app.post('/auth/reset-password', declare('portal', 'anyone'), async (request, reply) => {
    const { token, password } = parse(resetPasswordBody, request.body);
    await limitCredentialAttempt(deps.db, 'redeem', request.ip);
    return signedIn(request, reply, await resetPassword(deps, ws(request), token, password, meta(request)));
  });

  app.post('/auth/accept-invitation', declare('portal', 'anyone'), async (request, reply) => {
    const { token, password } = parse(resetPasswordBody, request.body);
    await limitCredentialAttempt(deps.db, 'redeem', request.ip);
    return signedIn(request, reply, await acceptInvitation(deps, ws(request), token, password, meta(request)));
  });
}

/** `name` is the portal's name: a contact sees the branding's, never anything else. */
function presentWorkspace(w: WorkspaceRow, branding: EffectiveBranding): PortalBootstrap['workspace'] {
  return {
    name: branding.portalName,
    branding,
    slug: w.slug,
    settings: { ticketCreation: w.portal_ticket_creation, ticketClosing: w.portal_ticket_closing, attachments: limitsOf(w) },
    signIn: { password: w.signin_password, magicLink: w.signin_magic_link, registration: w.registration },
  };
}

async function presentSession(
  deps: Deps,
  w: WorkspaceRow,
  session: NonNullable<NonNullable<FastifyRequest['portal']>['session']>,
): Promise<NonNullable<PortalBootstrap['session']>> {
  if (session.stage === 'mfa') {
    const row = await first<{ enrolled: boolean }>(
      deps.db,
      'select totp_enabled_at is not null as enrolled from contacts where workspace_id = $1 and id = $2',
      [w.id, session.actor.id],
    );
    return { stage: 'mfa', mfa: { enrolled: row?.enrolled ?? false }, csrfToken: session.csrfToken };
  }
  const client = await first<{ name: string }>(deps.db, 'select name from clients where workspace_id = $1 and id = $2', [
    w.id,
    session.actor.clientId,
  ]);
  const { id, name, email, role } = session.actor;
  return { stage: 'active', contact: { id, name, email, role, client: { name: client?.name ?? '' } }, csrfToken: session.csrfToken };
}
