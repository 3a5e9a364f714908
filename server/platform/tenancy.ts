import type { Db } from './db/db.ts';
import { first } from './db/db.ts';
import { AppError } from './errors.ts';

export type WorkspaceRow = {
  id: string;
  slug: string;
  name: string;
  portal_ticket_creation: boolean;
  portal_ticket_closing: boolean;
};

const columns = 'id, slug, name, portal_ticket_creation, portal_ticket_closing';

/**
 * The workspace whose portal this request is on. Today the portal is addressed by path
 * (`/portal/{slug}`); verified custom domains (SPEC §9) will resolve here first, by Host.
 * An unknown slug is a plain 404 that reveals nothing.
 */
export async function resolvePortalWorkspace(db: Db, slug: string): Promise<WorkspaceRow> {
  const ws = /^[a-z0-9-]{1,48}$/.test(slug)
    ? await first<WorkspaceRow>(db, `select ${columns} from workspaces where slug = $1`, [slug])
    : undefined;
  if (!ws) throw new AppError('not_found');
  return ws;
}

export async function workspaceById(db: Db, id: string): Promise<WorkspaceRow> {
  const ws = await first<WorkspaceRow>(db, `select ${columns} from workspaces where id = $1`, [id]);
  if (!ws) throw new AppError('not_found');
  return ws;
}
