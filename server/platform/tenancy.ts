import type { Db, Sql } from './db/db.ts';
import { first } from './db/db.ts';
import { AppError } from './errors.ts';
import { hashToken } from './auth/tokens.ts';
import {
  portalSessionColumns,
  portalSessionOf,
  portalSessionSource,
  sessionRowFromJson,
  type PortalSession,
} from './auth/sessions.ts';
import type { ChatHours } from '../../contracts/chat.ts';

export type WorkspaceRow = {
  id: string;
  slug: string;
  name: string;
  portal_ticket_creation: boolean;
  portal_ticket_closing: boolean;
  signin_password: boolean;
  signin_magic_link: boolean;
  signin_access_link: boolean;
  registration: 'off' | 'known' | 'open';
  registration_client_id: string | null;
  mfa_required_contacts: boolean;
  mfa_required_staff: boolean;
  magic_link_ttl_hours: number;
  access_link_ttl_days: number;
  upload_max_files: number;
  /** bigint: arrives as a string from node-postgres. */
  upload_max_file_bytes: number | string;
  chat_enabled: boolean;
  chat_hours: ChatHours | null;
  /** Text search configuration of the knowledge base. */
  kb_language: string;
};

const columnNames = [
  'id', 'slug', 'name', 'portal_ticket_creation', 'portal_ticket_closing', 'signin_password', 'signin_magic_link',
  'signin_access_link', 'registration', 'registration_client_id', 'mfa_required_contacts', 'mfa_required_staff',
  'magic_link_ttl_hours', 'access_link_ttl_days', 'upload_max_files', 'upload_max_file_bytes', 'chat_enabled', 'chat_hours', 'kb_language',
];
const columns = columnNames.join(', ');

/**
 * The workspace whose portal this request is on, and the contact's session there if the
 * cookie holds one — one round trip for both (every portal request starts here). The slug
 * comes from the path; a custom domain's requests were rewritten to its portal's path
 * before routing (`http/host-routing.ts`). An unknown slug is a plain 404 that reveals nothing.
 */
export async function resolvePortal(
  db: Db,
  slug: string,
  token: string | undefined,
): Promise<{ workspace: WorkspaceRow; session: PortalSession | undefined }> {
  if (!/^[a-z0-9-]{1,48}$/.test(slug)) throw new AppError('not_found');
  const [row] = await db.query<WorkspaceRow & { session: Record<string, unknown> | null }>(
    `select ${columnNames.map((c) => `w.${c}`).join(', ')},
            (select row_to_json(x) from (select ${portalSessionColumns} from ${portalSessionSource('$2', 'w.id')}) x) as session
       from workspaces w where w.slug = $1`,
    [slug, token ? hashToken(token) : null],
  );
  if (!row) throw new AppError('not_found');
  const { session, ...workspace } = row;
  return { workspace, session: session ? await portalSessionOf(db, sessionRowFromJson(session)) : undefined };
}

export async function workspaceById(db: Sql, id: string): Promise<WorkspaceRow> {
  const ws = await first<WorkspaceRow>(db, `select ${columns} from workspaces where id = $1`, [id]);
  if (!ws) throw new AppError('not_found');
  return ws;
}

/** The portal's canonical address: links in mail are built from it, never from request headers. */
export const portalUrl = (publicUrl: string, ws: Pick<WorkspaceRow, 'slug'>) => `${publicUrl}/portal/${ws.slug}`;
