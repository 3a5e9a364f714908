/**
 * Redeeming an emailed link (magic link, verification, password reset, invitation): the
 * token is consumed, its effect applied and a session opened in one transaction. A second
 * redemption, concurrent or later, finds the token used and gets `invalid_link`.
 */
import type { Deps } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { consumeToken, revokeContactTokens, type Purpose } from '../../platform/auth/auth-tokens.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import { revokeOtherSessions, type SessionStage } from '../../platform/auth/sessions.ts';
import { openSession, type SignInMeta } from '../../platform/auth/start-session.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';

type Effect = (tx: Sql, contactId: string) => Promise<void>;

async function redeem(
  deps: Deps,
  ws: WorkspaceRow,
  purpose: Purpose,
  token: string,
  meta: SignInMeta,
  effect: Effect,
): Promise<{ token: string; stage: SessionStage }> {
  const result = await deps.db.tx(async (tx) => {
    const row = await consumeToken(tx, ws.id, purpose, token);
    if (!row?.contact_id) return undefined;
    const [contact] = await tx.query<{ status: string }>('select status from contacts where workspace_id = $1 and id = $2', [
      ws.id,
      row.contact_id,
    ]);
    if (contact?.status !== 'active') return undefined;
    // Following a link sent to the address proves the address.
    await tx.query(
      'update contacts set email_verified_at = coalesce(email_verified_at, now()) where workspace_id = $1 and id = $2',
      [ws.id, row.contact_id],
    );
    await effect(tx, row.contact_id);
    return openSession(tx, deps.config, { workspaceId: ws.id, surface: 'portal', subjectId: row.contact_id, method: purpose }, meta);
  });
  if (!result) throw new AppError('invalid_link');
  deps.bus.publish(result.event);
  return { token: result.token, stage: result.stage };
}

const nothing: Effect = async () => undefined;

export function redeemMagicLink(deps: Deps, ws: WorkspaceRow, token: string, meta: SignInMeta) {
  if (!ws.signin_magic_link) throw new AppError('sign_in_method_disabled');
  return redeem(deps, ws, 'magic_link', token, meta, nothing);
}

export function verifyEmail(deps: Deps, ws: WorkspaceRow, token: string, meta: SignInMeta) {
  return redeem(deps, ws, 'verify_email', token, meta, nothing);
}

/** Sets the new password and ends every other session (the old password may be known to someone). */
export async function resetPassword(deps: Deps, ws: WorkspaceRow, token: string, password: string, meta: SignInMeta) {
  const hash = await hashPassword(password);
  return redeem(deps, ws, 'password_reset', token, meta, async (tx, contactId) => {
    await setPassword(tx, ws.id, contactId, hash);
    await revokeOtherSessions(tx, 'portal', ws.id, contactId);
    await revokeContactTokens(tx, ws.id, contactId, ['password_reset']);
  });
}

export async function acceptInvitation(deps: Deps, ws: WorkspaceRow, token: string, password: string, meta: SignInMeta) {
  const hash = await hashPassword(password);
  return redeem(deps, ws, 'invitation', token, meta, async (tx, contactId) => {
    await setPassword(tx, ws.id, contactId, hash);
    await revokeContactTokens(tx, ws.id, contactId, ['invitation']);
  });
}

async function setPassword(tx: Sql, workspaceId: string, contactId: string, hash: string) {
  await tx.query('update contacts set password_hash = $3, updated_at = now() where workspace_id = $1 and id = $2', [
    workspaceId,
    contactId,
    hash,
  ]);
}
