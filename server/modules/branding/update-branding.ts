import type { UpdateBranding } from '../../../contracts/branding.ts';
import type { StaffCtx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { ensureLevel } from './queries.ts';
import { sanitiseCustomCss } from './sanitise-css.ts';

/** A client of this workspace, or not found (another workspace's client is not found either). */
export async function checkClient(db: Sql, workspaceId: string, clientId: string | null): Promise<void> {
  if (clientId === null) return;
  const [row] = await db.query('select 1 from clients where workspace_id = $1 and id = $2', [workspaceId, clientId]);
  if (!row) throw new AppError('not_found');
}

/** Custom CSS as it will be stored: sanitised, or null (cleared) when blank. */
export function cleanCss(css: string | null | undefined): string | null | undefined {
  if (css === undefined) return undefined;
  return css === null || css.trim() === '' ? null : sanitiseCustomCss(css);
}

/**
 * Changes one level's name, colours and CSS. Everything is checked before anything is
 * written: a refused stylesheet leaves the level exactly as it was.
 */
export async function updateBranding(ctx: StaffCtx, clientId: string | null, input: UpdateBranding): Promise<void> {
  await checkClient(ctx.db, ctx.workspaceId, clientId);
  const css = cleanCss(input.customCss);
  const name = input.portalName === undefined ? undefined : input.portalName?.trim() || null;
  const set = (v: unknown) => v !== undefined;
  await mutate(ctx, async (tx, record) => {
    await ensureLevel(tx, ctx.workspaceId, clientId);
    await tx.query(
      `update brandings set
         portal_name = case when $3 then $4 else portal_name end,
         primary_color = case when $5 then $6 else primary_color end,
         accent_color = case when $7 then $8 else accent_color end,
         custom_css = case when $9 then $10 else custom_css end,
         updated_at = now()
       where workspace_id = $1 and client_id is not distinct from $2`,
      [
        ctx.workspaceId, clientId,
        set(name), name ?? null,
        set(input.primaryColor), input.primaryColor ?? null,
        set(input.accentColor), input.accentColor ?? null,
        set(css), css ?? null,
      ],
    );
    const fields = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
    await record({ type: 'branding.updated', payload: { clientId, fields } });
  });
}
