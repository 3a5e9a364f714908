import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { checkPassword } from '../../platform/auth/passwords.ts';
import { startSession, type SignInMeta } from '../../platform/auth/start-session.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';

/**
 * Email and password sign-in to one workspace's portal. Unknown email, wrong password,
 * unconfirmed address and disabled contact all cost one Argon2 verification and give the
 * same error.
 */
export async function signInContact(
  deps: Deps,
  ws: WorkspaceRow,
  input: { email: string; password: string },
  meta: SignInMeta,
  /** On a client's own domain, only that client's contacts can sign in (others: the same error). */
  onlyClientId: string | null = null,
) {
  if (!ws.signin_password) throw new AppError('sign_in_method_disabled');
  const contact = await first<{ id: string; password_hash: string | null; status: string; verified: boolean }>(
    deps.db,
    `select id, password_hash, status, email_verified_at is not null as verified
       from contacts where workspace_id = $1 and email = $2 and ($3::uuid is null or client_id = $3)`,
    [ws.id, input.email, onlyClientId],
  );
  const usable = contact?.status === 'active' && contact.verified ? contact.password_hash : undefined;
  const ok = await checkPassword(usable, input.password);
  if (!contact || !usable || !ok) throw new AppError('invalid_credentials');
  return startSession(deps, deps.config, { workspaceId: ws.id, surface: 'portal', subjectId: contact.id, method: 'password' }, meta);
}
