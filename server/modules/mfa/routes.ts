/**
 * The second factor, for contacts (portal) and staff alike: the MFA step of sign-in, and
 * managing one's own TOTP. Registered in both surfaces; the session says who and where.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mfaCodeBody, reauthBody, type MfaStatus, type SignInResult } from '../../../contracts/auth.ts';
import type { Deps } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import {
  beginEnrolment,
  confirmEnrolment,
  disableMfa,
  mfaStatus,
  replaceRecoveryCodes,
  verifySecondFactor,
  type MfaSubject,
} from '../../platform/auth/mfa.ts';
import { checkPassword } from '../../platform/auth/passwords.ts';
import type { PortalSession, StaffSession } from '../../platform/auth/sessions.ts';
import { startSession } from '../../platform/auth/start-session.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
import { noStore, portalCtx, portalHome, safeNext, sessionCookie, setSessionCookie, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';

/** Proving it is you again, for changing factors: within this long of signing in, no need. */
const RECENT_AUTH_MS = 10 * 60 * 1000;

type Surface = 'portal' | 'staff';

export async function mfaRoutes(app: FastifyInstance, { deps, surface }: { deps: Deps; surface: Surface }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const pending = surface === 'portal' ? 'contact-mfa' : 'staff-mfa';
  const active = surface === 'portal' ? 'contact' : 'staff';

  const current = (request: FastifyRequest) => {
    const session = (surface === 'portal' ? request.portal?.session : request.staff) as PortalSession | StaffSession | undefined | null;
    const ctx = surface === 'portal' ? portalCtx(deps, request) : staffCtx(deps, request);
    if (!session) throw new AppError('unauthenticated');
    const subject: MfaSubject = { kind: surface === 'portal' ? 'contact' : 'staff', workspaceId: ctx.workspaceId, id: ctx.actor.id };
    return { session, ctx, subject };
  };
  const cookiePath = (request: FastifyRequest) => (surface === 'portal' ? portalHome(request) : '/staff');
  const home = cookiePath;

  /** Swaps the waiting session for a full one (a new id) once the second factor passed. */
  async function promote(request: FastifyRequest, reply: Parameters<typeof setSessionCookie>[0], session: PortalSession | StaffSession) {
    const s = await startSession(
      deps,
      deps.config,
      { workspaceId: session.workspaceId, surface, subjectId: session.actor.id, method: session.method, mfaPassed: true },
      { ip: request.ip, userAgent: request.headers['user-agent'], previousToken: request.cookies[sessionCookie(surface, cookiePath(request)).name] },
    );
    setSessionCookie(reply, deps.config, surface, cookiePath(request), s.token);
  }

  const required = async (workspaceId: string) => {
    const ws = await workspaceById(deps.db, workspaceId);
    return surface === 'portal' ? ws.mfa_required_contacts : ws.mfa_required_staff;
  };

  /**
   * Every password or code given to prove it is you counts against a limit, outside any
   * transaction (a refused attempt rolls its transaction back, the count must stay).
   */
  const countGuess = (subject: MfaSubject, input: { password?: string | undefined; code?: string | undefined }) =>
    input.code || input.password ? enforce(deps.db, [{ key: `reauth:${subject.id}`, max: 8, windowSeconds: 60 }]) : undefined;

  /** Recent sign-in, the password, or a current code. */
  async function reauthenticated(tx: Sql, session: PortalSession | StaffSession, subject: MfaSubject, input: { password?: string | undefined; code?: string | undefined }) {
    // A credential that is given is always checked, even in a fresh session: a wrong one is refused.
    if (!input.code && !input.password) {
      return session.stage === 'mfa' || Date.now() - session.authenticatedAt.getTime() < RECENT_AUTH_MS;
    }
    if (input.code && (await verifySecondFactor(tx, subject, input.code))) return true;
    if (input.password) {
      const row = await first<{ hash: string | null }>(
        tx,
        `select password_hash as hash from ${subject.kind === 'contact' ? 'contacts' : 'staff'} where workspace_id = $1 and id = $2`,
        [subject.workspaceId, subject.id],
      );
      if (row?.hash && (await checkPassword(row.hash, input.password))) return true;
    }
    return false;
  }

  app.post('/auth/mfa', declare(surface, pending), async (request, reply): Promise<SignInResult> => {
    const { session, subject } = current(request);
    const { code } = parse(mfaCodeBody, request.body);
    await enforce(deps.db, [{ key: `mfa:${subject.id}`, max: 5, windowSeconds: 60 }]);
    if (session.stage !== 'mfa') return { ok: true, stage: 'active', next: home(request) };
    const method = await deps.db.tx((tx) => verifySecondFactor(tx, subject, code));
    if (!method) throw new AppError('invalid_mfa_code');
    await promote(request, reply, session);
    return { ok: true, stage: 'active', next: safeNext(home(request), (request.body as { next?: unknown }).next) };
  });

  app.get('/account/mfa', declare(surface, pending), async (request): Promise<MfaStatus> => {
    const { subject } = current(request);
    return { ...(await mfaStatus(deps.db, subject)), required: await required(subject.workspaceId) };
  });

  /**
   * While the second factor is due, setting one up is allowed only to someone who has none
   * (the workspace requires it); an enrolled person must enter their code, not replace it.
   */
  async function assertMayEnrol(session: PortalSession | StaffSession, subject: MfaSubject) {
    if (session.stage === 'mfa' && (await mfaStatus(deps.db, subject)).enabled) throw new AppError('forbidden');
  }

  app.post('/account/mfa/setup', declare(surface, pending), async (request) => {
    const { session, subject, ctx } = current(request);
    const input = parse(reauthBody, request.body);
    await assertMayEnrol(session, subject);
    await countGuess(subject, input);
    if (!(await deps.db.tx((tx) => reauthenticated(tx, session, subject, input)))) throw new AppError('reauth_required');
    const ws = await workspaceById(deps.db, subject.workspaceId);
    return beginEnrolment(deps.db, subject, ws.name, ctx.actor.email);
  });

  app.post('/account/mfa/confirm', declare(surface, pending), async (request, reply) => {
    const { session, subject, ctx } = current(request);
    const { code } = parse(mfaCodeBody, request.body);
    await enforce(deps.db, [{ key: `mfa:${subject.id}`, max: 5, windowSeconds: 60 }]);
    await assertMayEnrol(session, subject);
    const codes = await mutate(ctx, async (tx, record) => {
      const recoveryCodes = await confirmEnrolment(tx, subject, code);
      if (recoveryCodes) await record({ type: 'auth.mfa_enabled', payload: { kind: subject.kind } });
      return recoveryCodes;
    });
    if (!codes) throw new AppError('invalid_mfa_code');
    if (session.stage === 'mfa') await promote(request, reply, session);
    return { recoveryCodes: codes, stage: 'active' as const };
  });

  app.post('/account/mfa/disable', declare(surface, active), async (request): Promise<MfaStatus> => {
    const { session, subject, ctx } = current(request);
    const input = parse(reauthBody, request.body);
    await countGuess(subject, input);
    if (await required(subject.workspaceId)) throw new AppError('forbidden', { message: 'Your organisation requires two-step verification.' });
    await mutate(ctx, async (tx, record) => {
      if (!(await reauthenticated(tx, session, subject, input))) throw new AppError('reauth_required');
      await disableMfa(tx, subject);
      await record({ type: 'auth.mfa_disabled', payload: { kind: subject.kind } });
    });
    return { ...(await mfaStatus(deps.db, subject)), required: false };
  });

  app.post('/account/mfa/recovery-codes', declare(surface, active), async (request) => {
    const { session, subject, ctx } = current(request);
    const input = parse(reauthBody, request.body);
    await countGuess(subject, input);
    const codes = await mutate(ctx, async (tx, record) => {
      if (!(await reauthenticated(tx, session, subject, input))) throw new AppError('reauth_required');
      if (!(await mfaStatus(tx, subject)).enabled) throw new AppError('validation_failed', { message: 'Two-step verification is not on.' });
      await record({ type: 'auth.recovery_codes_replaced', payload: { kind: subject.kind } });
      return replaceRecoveryCodes(tx, subject);
    });
    return { recoveryCodes: codes };
  });
}
