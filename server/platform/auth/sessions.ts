import type { Db, Sql } from '../db/db.ts';
import type { ContactActor, StaffActor } from '../context.ts';
import { hashToken, randomToken } from './tokens.ts';

export type Surface = 'portal' | 'staff';

/** Only touch last_seen_at when it is older than this, so reads stay reads. */
const TOUCH_AFTER_MS = 5 * 60 * 1000;

export type SessionStage = 'mfa' | 'active';

export type NewSession = {
  workspaceId: string;
  surface: Surface;
  subjectId: string;
  ip: string;
  userAgent: string | undefined;
  ttlHours: number;
  stage: SessionStage;
  method: string;
};

/** Creates a session and returns the cookie token (shown once) and its CSRF token. */
export async function createSession(tx: Sql, s: NewSession): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  await tx.query(
    `insert into sessions (token_hash, workspace_id, surface, contact_id, staff_id, csrf_token, ip, user_agent, expires_at, stage, method)
     values ($1, $2, $3, $4, $5, $6, $7, $8,
             -- a session waiting for its second factor lives 10 minutes at most
             case when $10 = 'mfa' then now() + interval '10 minutes' else now() + make_interval(hours => $9) end, $10, $11)`,
    [
      hashToken(token),
      s.workspaceId,
      s.surface,
      s.surface === 'portal' ? s.subjectId : null,
      s.surface === 'staff' ? s.subjectId : null,
      csrfToken,
      s.ip,
      s.userAgent?.slice(0, 400) ?? null,
      s.ttlHours,
      s.stage,
      s.method,
    ],
  );
  return { token, csrfToken };
}

export type SessionRow = {
  session_id: string;
  workspace_id: string;
  csrf_token: string;
  stage: SessionStage;
  method: string;
  authenticated_at: Date;
  last_seen_at: Date;
  actor_id: string;
  client_id: string | null;
  role: string;
  name: string;
  email: string;
};

type SessionBase = {
  sessionId: string;
  workspaceId: string;
  csrfToken: string;
  stage: SessionStage;
  method: string;
  authenticatedAt: Date;
};
export type PortalSession = SessionBase & { actor: ContactActor };
export type StaffSession = SessionBase & { actor: StaffActor };

const base = (row: SessionRow): SessionBase => ({
  sessionId: row.session_id,
  workspaceId: row.workspace_id,
  csrfToken: row.csrf_token,
  stage: row.stage,
  method: row.method,
  authenticatedAt: row.authenticated_at,
});

const sessionColumns = 's.id as session_id, s.workspace_id, s.csrf_token, s.stage, s.method, s.authenticated_at, s.last_seen_at';

async function touch(db: Db, row: SessionRow): Promise<void> {
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
    await db.query('update sessions set last_seen_at = now() where id = $1', [row.session_id]);
  }
}

/** Columns and source of a live portal session: `hash` is the token's hash, `workspace` the workspace id (SQL). */
export const portalSessionColumns = `${sessionColumns}, c.id as actor_id, c.client_id, c.role, c.name, c.email`;
export const portalSessionSource = (hash: string, workspace: string) => `sessions s
  join contacts c on c.workspace_id = s.workspace_id and c.id = s.contact_id
  where s.token_hash = ${hash} and s.workspace_id = ${workspace} and s.surface = 'portal'
    and s.revoked_at is null and s.expires_at > now() and c.status = 'active'`;

/** A session row that came through `row_to_json` (timestamps as text). */
export function sessionRowFromJson(j: Record<string, unknown>): SessionRow {
  const row = j as unknown as SessionRow;
  return { ...row, authenticated_at: new Date(j.authenticated_at as string), last_seen_at: new Date(j.last_seen_at as string) };
}

/** A row of `portalSessionColumns` as a session (touching last_seen_at now and then). */
export async function portalSessionOf(db: Db, row: SessionRow): Promise<PortalSession> {
  await touch(db, row);
  return {
    ...base(row),
    actor: {
      type: 'contact',
      id: row.actor_id,
      clientId: row.client_id!,
      role: row.role as ContactActor['role'],
      name: row.name,
      email: row.email,
    },
  };
}

/** The live staff session for this token, or undefined. */
export async function findStaffSession(db: Db, token: string): Promise<StaffSession | undefined> {
  const [row] = await db.query<SessionRow>(
    `select ${sessionColumns}, m.id as actor_id, null as client_id, m.role, m.name, m.email
       from sessions s
       join staff m on m.workspace_id = s.workspace_id and m.id = s.staff_id
      where s.token_hash = $1 and s.surface = 'staff'
        and s.revoked_at is null and s.expires_at > now() and m.status = 'active'`,
    [hashToken(token)],
  );
  if (!row) return undefined;
  await touch(db, row);
  return {
    ...base(row),
    actor: { type: 'staff', id: row.actor_id, role: row.role as StaffActor['role'], name: row.name, email: row.email },
  };
}

/** Ends the session holding this token (if any); used by sign-out and at sign-in rotation. */
export async function revokeSessionByToken(q: Sql, token: string): Promise<void> {
  await q.query('update sessions set revoked_at = now() where token_hash = $1 and revoked_at is null', [
    hashToken(token),
  ]);
}

/** Ends every other live session of this contact or staff member (password change, reset). */
export async function revokeOtherSessions(q: Sql, surface: Surface, workspaceId: string, subjectId: string, keepSessionId?: string) {
  await q.query(
    `update sessions set revoked_at = now()
      where workspace_id = $1 and ${surface === 'portal' ? 'contact_id' : 'staff_id'} = $2
        and revoked_at is null and ($3::uuid is null or id <> $3::uuid)`,
    [workspaceId, subjectId, keepSessionId ?? null],
  );
}
