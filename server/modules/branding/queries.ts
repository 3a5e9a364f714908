import type { Sql } from '../../platform/db/db.ts';

/** One level's row (`client_id` null: the workspace's own). */
export type BrandingRow = {
  client_id: string | null;
  portal_name: string | null;
  primary_color: string | null;
  accent_color: string | null;
  custom_css: string | null;
  logo_id: string | null;
  logo_type: string | null;
  logo_bytes: number | null;
  favicon_id: string | null;
  favicon_type: string | null;
  favicon_bytes: number | null;
  updated_at: Date | string;
};

const rowColumns = `b.client_id, b.portal_name, b.primary_color, b.accent_color, b.custom_css, b.updated_at,
  b.logo_id, (select content_type from brand_images i where i.workspace_id = b.workspace_id and i.id = b.logo_id) as logo_type,
  (select length(bytes) from brand_images i where i.workspace_id = b.workspace_id and i.id = b.logo_id) as logo_bytes,
  b.favicon_id, (select content_type from brand_images i where i.workspace_id = b.workspace_id and i.id = b.favicon_id) as favicon_type,
  (select length(bytes) from brand_images i where i.workspace_id = b.workspace_id and i.id = b.favicon_id) as favicon_bytes`;

/** The workspace's level and (when given) the client's, in one query. */
export async function brandingLevels(
  db: Sql,
  workspaceId: string,
  clientId: string | null,
): Promise<{ workspace: BrandingRow | undefined; client: BrandingRow | undefined }> {
  const rows = await db.query<BrandingRow>(
    `select ${rowColumns} from brandings b
      where b.workspace_id = $1 and (b.client_id is null or b.client_id = $2)`,
    [workspaceId, clientId],
  );
  return {
    workspace: rows.find((r) => r.client_id === null),
    client: clientId ? rows.find((r) => r.client_id === clientId) : undefined,
  };
}

/** Creates the level's row if it has none; every update goes through this first. */
export async function ensureLevel(tx: Sql, workspaceId: string, clientId: string | null): Promise<void> {
  await tx.query(
    `insert into brandings (workspace_id, client_id) values ($1, $2) on conflict (workspace_id, client_id) do nothing`,
    [workspaceId, clientId],
  );
}

/** The level's row, locked for the rest of the transaction. */
export async function lockLevel(tx: Sql, workspaceId: string, clientId: string | null): Promise<{ logo_id: string | null; favicon_id: string | null }> {
  await ensureLevel(tx, workspaceId, clientId);
  const [row] = await tx.query<{ logo_id: string | null; favicon_id: string | null }>(
    `select logo_id, favicon_id from brandings where workspace_id = $1 and client_id is not distinct from $2 for update`,
    [workspaceId, clientId],
  );
  return row!;
}

/** An image of this workspace that a level uses; `forClient` limits it to the workspace's own and that client's. */
export async function findBrandImage(
  db: Sql,
  workspaceId: string,
  id: string,
  forClient?: string,
): Promise<{ content_type: string; bytes: Buffer } | undefined> {
  const [row] = await db.query<{ content_type: string; bytes: Buffer | Uint8Array }>(
    `select i.content_type, i.bytes from brand_images i
      where i.workspace_id = $1 and i.id = $2
        and exists (select 1 from brandings b where b.workspace_id = i.workspace_id and (b.logo_id = i.id or b.favicon_id = i.id)
                      and ($3::uuid is null or b.client_id is null or b.client_id = $3))`,
    [workspaceId, id, forClient ?? null],
  );
  return row ? { content_type: row.content_type, bytes: Buffer.from(row.bytes) } : undefined;
}
