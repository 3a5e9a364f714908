import type { StaffCtx } from '../../platform/context.ts';
import { mutate } from '../../platform/events.ts';
import { checkBrandImage, type BrandImageKind } from './check-image.ts';
import { lockLevel } from './queries.ts';
import { checkClient } from './update-branding.ts';

const column = (kind: BrandImageKind) => (kind === 'logo' ? 'logo_id' : 'favicon_id');

/**
 * Replaces (bytes) or removes (null) a level's logo or favicon. The image is checked from
 * its bytes before anything is written; the one it replaces is deleted in the same
 * transaction, so no image is left without a level.
 */
export async function setBrandImage(ctx: StaffCtx, clientId: string | null, kind: BrandImageKind, bytes: Buffer | null): Promise<void> {
  await checkClient(ctx.db, ctx.workspaceId, clientId);
  const checked = bytes ? await checkBrandImage(kind, bytes) : null;
  await mutate(ctx, async (tx, record) => {
    const level = await lockLevel(tx, ctx.workspaceId, clientId);
    const previous = level[column(kind)];
    let id: string | null = null;
    if (checked) {
      const [row] = await tx.query<{ id: string }>(
        'insert into brand_images (workspace_id, content_type, bytes) values ($1, $2, $3) returning id',
        [ctx.workspaceId, checked.contentType, checked.bytes],
      );
      id = row!.id;
    }
    await tx.query(
      `update brandings set ${column(kind)} = $3, updated_at = now() where workspace_id = $1 and client_id is not distinct from $2`,
      [ctx.workspaceId, clientId, id],
    );
    if (previous) await tx.query('delete from brand_images where workspace_id = $1 and id = $2', [ctx.workspaceId, previous]);
    await record({ type: checked ? 'branding.image_set' : 'branding.image_removed', payload: { clientId, kind, contentType: checked?.contentType ?? null } });
  });
}
