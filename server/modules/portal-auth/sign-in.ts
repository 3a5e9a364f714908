import type { Config } from '../../config.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { checkPassword } from '../../platform/auth/passwords.ts';
import { startSession, type SignInMeta } from '../../platform/auth/start-session.ts';

/**
 * Email and password sign-in to one workspace's portal. Unknown email, wrong password and
 * disabled contact all cost one Argon2 verification and give the same error.
 */
export async function signInContact(
  deps: Deps,
  config: Config,
  workspaceId: string,
  input: { email: string; password: string },
  meta: SignInMeta,
): Promise<{ token: string }> {
  const contact = await first<{ id: string; password_hash: string | null; status: string }>(
    deps.db,
    'select id, password_hash, status from contacts where workspace_id = $1 and email = $2',
    [workspaceId, input.email],
  );
  const usable = contact?.status === 'active' ? contact.password_hash : undefined;
  const ok = await checkPassword(usable, input.password);
  if (!contact || !usable || !ok) throw new AppError('invalid_credentials');
  return startSession(deps, config, { workspaceId, surface: 'portal', subjectId: contact.id, method: 'password' }, meta);
}
