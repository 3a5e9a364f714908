import type { Config } from '../../config.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { checkPassword } from '../../platform/auth/passwords.ts';
import { startSession, type SignInMeta } from '../../platform/auth/start-session.ts';

/** Staff sign-in at /staff: the address names the staff member and so the workspace. */
export async function signInStaff(
  deps: Deps,
  config: Config,
  input: { email: string; password: string },
  meta: SignInMeta,
) {
  const staff = await first<{ id: string; workspace_id: string; password_hash: string | null; status: string }>(
    deps.db,
    'select id, workspace_id, password_hash, status from staff where email = $1',
    [input.email],
  );
  const usable = staff?.status === 'active' ? staff.password_hash : undefined;
  const ok = await checkPassword(usable, input.password);
  if (!staff || !usable || !ok) throw new AppError('invalid_credentials');
  return startSession(
    deps,
    config,
    { workspaceId: staff.workspace_id, surface: 'staff', subjectId: staff.id, method: 'password' },
    meta,
  );
}
