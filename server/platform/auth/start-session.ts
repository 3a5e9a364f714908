import type { Config } from '../../config.ts';
import type { Deps } from '../context.ts';
import { insertEvent } from '../events.ts';
import { createSession, revokeSessionByToken, type Surface } from './sessions.ts';

export type SignInMeta = { ip: string; userAgent: string | undefined; previousToken: string | undefined };

/**
 * After a successful sign-in by any method: revoke the session the browser came with (so
 * the id always rotates), create a new one and record `auth.signed_in`, in one transaction.
 */
export async function startSession(
  deps: Deps,
  config: Config,
  who: { workspaceId: string; surface: Surface; subjectId: string; method: string },
  meta: SignInMeta,
): Promise<{ token: string }> {
  const { token, event } = await deps.db.tx(async (tx) => {
    if (meta.previousToken) await revokeSessionByToken(tx, meta.previousToken);
    const session = await createSession(tx, {
      workspaceId: who.workspaceId,
      surface: who.surface,
      subjectId: who.subjectId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      ttlHours: config.sessionTtlHours,
    });
    const event = await insertEvent(tx, {
      workspaceId: who.workspaceId,
      type: 'auth.signed_in',
      actorType: who.surface === 'portal' ? 'contact' : 'staff',
      actorId: who.subjectId,
      ip: meta.ip,
      payload: { surface: who.surface, method: who.method },
    });
    return { token: session.token, event };
  });
  deps.bus.publish(event);
  return { token };
}
