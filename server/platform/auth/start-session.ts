import type { Config } from '../../config.ts';
import type { Deps } from '../context.ts';
import type { Sql } from '../db/db.ts';
import { insertEvent, type DomainEvent } from '../events.ts';
import { first } from '../db/db.ts';
import { createSession, revokeSessionByToken, type SessionStage, type Surface } from './sessions.ts';

export type Who = {
  workspaceId: string;
  surface: Surface;
  subjectId: string;
  method: string;
  /** The second factor was just checked (the MFA step itself). */
  mfaPassed?: boolean;
};

export type SignInMeta = { ip: string; userAgent: string | undefined; previousToken: string | undefined };

/**
 * After a successful sign-in by any method: revoke the session the browser came with (so
 * the id always rotates), create a new one and record `auth.signed_in`, in one transaction.
 */
export async function startSession(deps: Deps, config: Config, who: Who, meta: SignInMeta) {
  const { token, stage, event } = await deps.db.tx((tx) => openSession(tx, config, who, meta));
  deps.bus.publish(event);
  return { token, stage };
}

/** The same inside a transaction the caller holds (a link redeemed and a session opened at once). */
export async function openSession(
  tx: Sql,
  config: Config,
  who: Who,
  meta: SignInMeta,
): Promise<{ token: string; stage: SessionStage; event: DomainEvent }> {
  if (meta.previousToken) await revokeSessionByToken(tx, meta.previousToken);
  const stage = who.mfaPassed ? 'active' : await stageAfterFirstFactor(tx, who);
  const session = await createSession(tx, {
    workspaceId: who.workspaceId,
    surface: who.surface,
    subjectId: who.subjectId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    ttlHours: config.sessionTtlHours,
    stage,
    method: who.method,
  });
  const event = await insertEvent(tx, {
    workspaceId: who.workspaceId,
    type: stage === 'active' ? 'auth.signed_in' : 'auth.first_factor_passed',
    actorType: who.surface === 'portal' ? 'contact' : 'staff',
    actorId: who.subjectId,
    ip: meta.ip,
    payload: { surface: who.surface, method: who.method },
  });
  return { token: session.token, stage, event };
}

/**
 * After a password or a link: the second factor is due if the person set one up, or if the
 * workspace requires one (then they must set it up before going further).
 */
async function stageAfterFirstFactor(tx: Sql, who: Who): Promise<SessionStage> {
  const row = await first<{ enrolled: boolean; required: boolean }>(
    tx,
    `select s.totp_enabled_at is not null as enrolled,
            ${who.surface === 'portal' ? 'w.mfa_required_contacts' : 'w.mfa_required_staff'} as required
       from ${who.surface === 'portal' ? 'contacts' : 'staff'} s join workspaces w on w.id = s.workspace_id
      where s.workspace_id = $1 and s.id = $2`,
    [who.workspaceId, who.subjectId],
  );
  return row?.enrolled || row?.required ? 'mfa' : 'active';
}
