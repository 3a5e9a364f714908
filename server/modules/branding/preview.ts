/**
 * Previews: an admin's unsaved changes to one level, stored for an hour so the preview frame
 * (a page of its own, loading stylesheets like the portal does) can show them. Nothing a
 * contact sees changes.
 */
import type { UpdateBranding } from '../../../contracts/branding.ts';
import type { StaffCtx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { brandingLevels, type BrandingRow } from './queries.ts';
import { checkClient, cleanCss } from './update-branding.ts';

export type PreviewInput = UpdateBranding & { clientId?: string | null };

/** Checks the draft as saving would (a bad stylesheet is refused the same way) and stores it. */
export async function createPreview(ctx: StaffCtx, input: PreviewInput): Promise<{ id: string }> {
  const clientId = input.clientId ?? null;
  await checkClient(ctx.db, ctx.workspaceId, clientId);
  const css = cleanCss(input.customCss);
  // Drafts are only ever read within minutes; old ones go as new ones come.
  await ctx.db.query(`delete from branding_previews where workspace_id = $1 and created_at < now() - interval '1 hour'`, [ctx.workspaceId]);
  const draft: Draft = {};
  if (input.portalName !== undefined) draft.portalName = input.portalName?.trim() || null;
  if (input.primaryColor !== undefined) draft.primaryColor = input.primaryColor;
  if (input.accentColor !== undefined) draft.accentColor = input.accentColor;
  if (css !== undefined) draft.customCss = css;
  const [row] = await ctx.db.query<{ id: string }>(
    'insert into branding_previews (workspace_id, client_id, draft) values ($1, $2, $3) returning id',
    [ctx.workspaceId, clientId, JSON.stringify(draft)],
  );
  return row!;
}

type Draft = { portalName?: string | null; primaryColor?: string | null; accentColor?: string | null; customCss?: string | null };

/**
 * The draft applied over the level it was made for: the levels as they would be if it were
 * saved. A field the draft leaves out stays as saved.
 */
export async function loadPreview(
  db: Sql,
  workspaceId: string,
  id: string,
): Promise<{ clientId: string | null; workspace: BrandingRow | undefined; client: BrandingRow | undefined } | undefined> {
  const [row] = await db.query<{ client_id: string | null; draft: Draft | string }>(
    `select client_id, draft from branding_previews where workspace_id = $1 and id = $2 and created_at > now() - interval '1 hour'`,
    [workspaceId, id],
  );
  if (!row) return undefined;
  const draft = (typeof row.draft === 'string' ? JSON.parse(row.draft) : row.draft) as Draft;
  const levels = await brandingLevels(db, workspaceId, row.client_id);
  const target = (row.client_id ? levels.client : levels.workspace) ?? emptyRow(row.client_id);
  const pick = (key: keyof Draft, current: string | null) => (key in draft ? (draft[key] ?? null) : current);
  const applied: BrandingRow = {
    ...target,
    portal_name: pick('portalName', target.portal_name),
    primary_color: pick('primaryColor', target.primary_color),
    accent_color: pick('accentColor', target.accent_color),
    custom_css: pick('customCss', target.custom_css),
  };
  return row.client_id
    ? { clientId: row.client_id, workspace: levels.workspace, client: applied }
    : { clientId: null, workspace: applied, client: undefined };
}

const emptyRow = (clientId: string | null): BrandingRow => ({
  client_id: clientId,
  portal_name: null,
  primary_color: null,
  accent_color: null,
  custom_css: null,
  logo_id: null,
  logo_type: null,
  logo_bytes: null,
  favicon_id: null,
  favicon_type: null,
  favicon_bytes: null,
  updated_at: new Date(0),
});
