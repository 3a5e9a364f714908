import type { FastifyInstance } from 'fastify';
import { changePasswordBody, inviteBody, type SessionInfo } from '../../../contracts/auth.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { inviteContact } from '../invitations/invite-contact.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { checkPassword, hashPassword } from '../../platform/auth/passwords.ts';
import { revokeOtherSessions } from '../../platform/auth/sessions.ts';
import { declare, idParam, parse } from '../../platform/http/route-config.ts';
import { noStore, portalCtx } from '../../platform/http/surfaces.ts';
import { describeDevice } from './device.ts';

const RECENT_AUTH_MS = 10 * 60 * 1000;

/** A contact's own account: sessions and password, under `/portal/:slug/api/account`. */
export async function accountRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/account/sessions', declare('portal', 'contact'), async (request) => {
    const ctx = portalCtx(deps, request);
    const rows = await ctx.db.query<{ id: string; ip: string | null; user_agent: string | null; method: string; created_at: Date; last_seen_at: Date }>(
      `select id, ip, user_agent, method, created_at, last_seen_at from sessions
        where workspace_id = $1 and contact_id = $2 and revoked_at is null and expires_at > now() and stage = 'active'
        order by last_seen_at desc`,
      [ctx.workspaceId, ctx.actor.id],
    );
    const items: SessionInfo[] = rows.map((r) => ({
      id: r.id,
      current: r.id === request.portal!.session!.sessionId,
      device: describeDevice(r.user_agent),
      ip: r.ip,
      method: r.method,
      createdAt: r.created_at.toISOString(),
      lastSeenAt: r.last_seen_at.toISOString(),
    }));
    return { items };
  });

  app.post('/account/sessions/:id/revoke', declare('portal', 'contact'), async (request) => {
    const ctx = portalCtx(deps, request);
    const id = idParam(request.params);
    const rows = await ctx.db.query(
      `update sessions set revoked_at = now()
        where workspace_id = $1 and contact_id = $2 and id = $3 and revoked_at is null returning id`,
      [ctx.workspaceId, ctx.actor.id, id],
    );
    if (!rows.length) throw new AppError('not_found');
    return { ok: true };
  });

  app.post('/account/sessions/revoke-others', declare('portal', 'contact'), async (request) => {
    const ctx = portalCtx(deps, request);
    await revokeOtherSessions(ctx.db, 'portal', ctx.workspaceId, ctx.actor.id, request.portal!.session!.sessionId);
    return { ok: true };
  });

  app.post('/account/password', declare('portal', 'contact'), async (request) => {
    const ctx = portalCtx(deps, request);
    const session = request.portal!.session!;
    const input = parse(changePasswordBody, request.body);
    const row = await first<{ hash: string | null }>(ctx.db, 'select password_hash as hash from contacts where workspace_id = $1 and id = $2', [
      ctx.workspaceId,
      ctx.actor.id,
    ]);
    if (row?.hash) {
      if (!input.currentPassword || !(await checkPassword(row.hash, input.currentPassword))) {
        throw new AppError('password_incorrect', { fields: [{ field: 'currentPassword', message: 'Not your current password' }] });
      }
    } else if (Date.now() - session.authenticatedAt.getTime() > RECENT_AUTH_MS) {
      // No password yet (signed in by link): only right after signing in.
      throw new AppError('reauth_required', { message: 'Sign in again with a new email link, then set your password within 10 minutes.' });
    }
    const hash = await hashPassword(input.newPassword);
    await mutate(ctx, async (tx, record) => {
      await tx.query('update contacts set password_hash = $3, updated_at = now() where workspace_id = $1 and id = $2', [
        ctx.workspaceId,
        ctx.actor.id,
        hash,
      ]);
      // Whoever knew the old password is signed out everywhere else.
      await revokeOtherSessions(tx, 'portal', ctx.workspaceId, ctx.actor.id, session.sessionId);
      await record({ type: 'auth.password_changed', payload: {} });
    });
    return { ok: true };
  });
}

/** A client's manager invites a colleague to their own client, under `/portal/:slug/api`. */
export async function managerInvitationRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.post('/contacts/invitations', declare('portal', 'contact'), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    if (ctx.actor.role !== 'manager') throw new AppError('forbidden');
    const input = parse(inviteBody, request.body);
    await enforce(ctx.db, [{ key: `invite:${ctx.actor.id}`, max: 20, windowSeconds: 3600 }]);
    await inviteContact(ctx, ctx.actor.clientId, input);
    reply.code(202);
    return { ok: true, message: `If ${input.email} can be invited, an invitation is on its way.` };
  });
}
