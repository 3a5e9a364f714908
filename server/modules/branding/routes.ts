/**
 * Branding, for admins, under `/staff/api`: the workspace's level (`/branding`) and each
 * client's (`/clients/:id/branding`), their logo and favicon, and previews of unsaved changes.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contrastWarnings, previewBrandingBody, updateBrandingBody, type BrandingLevel } from '../../../contracts/branding.ts';
import type { Deps, StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, idParam, parse } from '../../platform/http/route-config.ts';
import { noStore, portalBase, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { z } from 'zod';
import { BRAND_IMAGE_MAX_BYTES, type BrandImageKind } from './check-image.ts';
import { setBrandImage } from './brand-images.ts';
import { levelValues, mergeBranding } from './effective.ts';
import { createPreview } from './preview.ts';
import { brandingLevels } from './queries.ts';
import { checkClient, updateBranding } from './update-branding.ts';

/** The staff view of a level: its own values, what it inherits, the result and its warnings. */
export async function presentLevel(ctx: StaffCtx, clientId: string | null): Promise<BrandingLevel> {
  const ws = await workspaceById(ctx.db, ctx.workspaceId);
  const base = portalBase(ws.slug);
  const levels = await brandingLevels(ctx.db, ctx.workspaceId, clientId);
  const merged = mergeBranding(base, ws.name, levels.workspace, levels.client);
  const own = levelValues(base, clientId ? levels.client : levels.workspace);
  const inheritedFrom = clientId ? levelValues(base, levels.workspace) : levelValues(base, undefined);
  let scope: BrandingLevel['scope'] = { type: 'workspace' };
  if (clientId) {
    const [client] = await ctx.db.query<{ name: string }>('select name from clients where workspace_id = $1 and id = $2', [ctx.workspaceId, clientId]);
    if (!client) throw new AppError('not_found');
    scope = { type: 'client', clientId, clientName: client.name };
  }
  return {
    scope,
    values: own,
    inherited: { ...inheritedFrom, portalName: inheritedFrom.portalName ?? ws.name, customCss: inheritedFrom.customCss !== null },
    effective: merged.effective,
    warnings: contrastWarnings(merged.effective.primaryColor, merged.effective.accentColor),
  };
}

const kindParam = (params: unknown): BrandImageKind => {
  const kind = (params as { kind?: string }).kind;
  if (kind !== 'logo' && kind !== 'favicon') throw new AppError('not_found');
  return kind;
};

/** The one uploaded file, read whole (a logo is small) and cut off past its limit. */
async function readImage(request: FastifyRequest, kind: BrandImageKind): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError('upload_invalid');
  const max = BRAND_IMAGE_MAX_BYTES[kind];
  const file = await request.file({ limits: { files: 1, fileSize: max + 1, fields: 0 } });
  if (!file || file.fieldname !== 'file') throw new AppError('upload_invalid');
  const bytes = await file.toBuffer();
  if (file.file.truncated || bytes.length > max)
    throw new AppError('branding_image_invalid', { message: `The image is larger than the ${Math.round(max / 1024)} KB limit.` });
  return bytes;
}

const previewBody = previewBrandingBody.extend({ clientId: z.uuid().nullable().optional() });

export async function brandingRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  await app.register(multipart);

  // The same five routes for the workspace's level and for a client's.
  const levels = [
    { path: '/branding', clientOf: (_request: FastifyRequest) => null },
    { path: '/clients/:id/branding', clientOf: (request: FastifyRequest) => idParam(request.params) },
  ];
  for (const { path, clientOf } of levels) {
    app.get(path, declare('staff', 'admin'), async (request) => presentLevel(staffCtx(deps, request), clientOf(request)));

    app.patch(path, declare('staff', 'admin'), async (request) => {
      const ctx = staffCtx(deps, request);
      const clientId = clientOf(request);
      await updateBranding(ctx, clientId, parse(updateBrandingBody, request.body));
      return presentLevel(ctx, clientId);
    });

    app.put(`${path}/:kind`, declare('staff', 'admin'), async (request) => {
      const ctx = staffCtx(deps, request);
      const clientId = clientOf(request);
      const kind = kindParam(request.params);
      await checkClient(ctx.db, ctx.workspaceId, clientId);
      await setBrandImage(ctx, clientId, kind, await readImage(request, kind));
      return presentLevel(ctx, clientId);
    });

    app.delete(`${path}/:kind`, declare('staff', 'admin'), async (request) => {
      const ctx = staffCtx(deps, request);
      const clientId = clientOf(request);
      await setBrandImage(ctx, clientId, kindParam(request.params), null);
      return presentLevel(ctx, clientId);
    });
  }

  app.post('/branding/previews', declare('staff', 'admin'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const input = parse(previewBody, request.body);
    const { id } = await createPreview(ctx, input);
    reply.code(201);
    return { id, url: `/staff/branding-preview/${id}` };
  });
}
