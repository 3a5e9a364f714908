/**
 * "Email me a link" requests: magic link, password reset, registration. The HTTP request
 * only validates, counts rate limits and enqueues a job (the same work for every address),
 * then answers the same body; the job decides whether anything is sent. So neither the
 * answer nor its timing tells whether an address has an account.
 */
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { underMailLimit } from '../../platform/rate-limit.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { mailAlreadyRegistered, mailMagicLink, mailPasswordReset, mailVerification } from './links.ts';

type ContactRow = { id: string; email: string; name: string; client_id: string; status: string; password_hash: string | null; verified: boolean };

const findContact = (deps: Deps, workspaceId: string, email: string) =>
  first<ContactRow>(
    deps.db,
    `select id, email::text as email, name, client_id, status, password_hash, email_verified_at is not null as verified
       from contacts where workspace_id = $1 and email = $2`,
    [workspaceId, email],
  );

/** At most a few mails per address per hour, whatever asks for them (no mail bombing). */
const mailAllowed = (deps: Deps, workspaceId: string, email: string) => underMailLimit(deps.db, `mail:${workspaceId}:${email}`);

export async function handleMagicLinkRequest(deps: Deps, data: { workspaceId: string; email: string }) {
  const ws = await workspaceById(deps.db, data.workspaceId);
  if (!ws.signin_magic_link) return;
  const contact = await findContact(deps, ws.id, data.email);
  if (!contact || contact.status !== 'active' || !(await mailAllowed(deps, ws.id, data.email))) return;
  await deps.db.tx((tx) => mailMagicLink(deps, tx, ws, contact));
}

export async function handlePasswordResetRequest(deps: Deps, data: { workspaceId: string; email: string }) {
  const ws = await workspaceById(deps.db, data.workspaceId);
  if (!ws.signin_password) return;
  const contact = await findContact(deps, ws.id, data.email);
  if (!contact || contact.status !== 'active' || !(await mailAllowed(deps, ws.id, data.email))) return;
  await deps.db.tx((tx) => mailPasswordReset(deps, tx, ws, contact));
}

/**
 * Self-registration. `known`: the address is already a contact without an account, or its
 * domain belongs to a client. `open`: also anyone else, into the workspace's chosen client.
 * The account stays unusable until the address is confirmed.
 */
export async function handleRegistration(deps: Deps, { id }: { id: string }) {
  const request = await first<{ workspace_id: string; email: string; name: string; password_hash: string }>(
    deps.db,
    'select workspace_id, email::text as email, name, password_hash from registration_requests where id = $1',
    [id],
  );
  if (!request) return;
  await register(deps, {
    workspaceId: request.workspace_id,
    email: request.email,
    name: request.name,
    passwordHash: request.password_hash,
  });
  // Removed only once handled: if the process dies before, the job's retry finds it again.
  await deps.db.query('delete from registration_requests where id = $1', [id]);
}

async function register(deps: Deps, data: { workspaceId: string; email: string; name: string; passwordHash: string }) {
  const ws = await workspaceById(deps.db, data.workspaceId);
  if (ws.registration === 'off' || !(await mailAllowed(deps, ws.id, data.email))) return;
  const existing = await findContact(deps, ws.id, data.email);
  if (existing) {
    if (existing.status !== 'active') return;
    if (existing.password_hash || existing.verified) {
      await deps.db.tx((tx) => mailAlreadyRegistered(deps, tx, ws, existing));
      return;
    }
    // A contact created without an account (e.g. by staff or sync) claims it by confirming the address.
    await deps.db.tx(async (tx) => {
      await tx.query('update contacts set password_hash = $3, updated_at = now() where workspace_id = $1 and id = $2', [
        ws.id,
        existing.id,
        data.passwordHash,
      ]);
      await mailVerification(deps, tx, ws, existing);
    });
    return;
  }
  const domain = data.email.split('@')[1] ?? '';
  const byDomain = await first<{ id: string }>(
    deps.db,
    'select id from clients where workspace_id = $1 and $2 = any(email_domains) order by created_at limit 1',
    [ws.id, domain],
  );
  const clientId = byDomain?.id ?? (ws.registration === 'open' ? ws.registration_client_id : null);
  if (!clientId) return;
  await deps.db.tx(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into contacts (workspace_id, client_id, email, name, role, password_hash)
       values ($1, $2, $3, $4, 'member', $5) on conflict (workspace_id, email) do nothing returning id`,
      [ws.id, clientId, data.email, data.name, data.passwordHash],
    );
    if (!row) return; // registered concurrently: the first one's mail stands
    await tx.query(
      `insert into events (workspace_id, type, actor_type, actor_id, payload) values ($1, 'contact.registered', 'contact', $2, $3)`,
      [ws.id, row.id, JSON.stringify({ clientId })],
    );
    await mailVerification(deps, tx, ws, { id: row.id, email: data.email, name: data.name });
  });
}
