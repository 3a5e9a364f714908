/**
 * Uploads and downloads, on both surfaces: `POST /uploads` (multipart), `DELETE
 * /uploads/:id` (a pending upload removed before sending), `GET /attachments/:id`.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatBytes, type AttachmentLimits, type UploadResult } from '../../../contracts/attachments.ts';
import type { Ctx, Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { lingerThenClose } from '../../platform/http/linger.ts';
import { portalCtx, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById } from '../../platform/tenancy.ts';
import { limitsOf, portalFilesBase, presentAttachment, STAFF_FILES_BASE } from './present.ts';
import { attachmentId, deletePending, findForContact, findForStaff } from './queries.ts';
import { receiveUploads } from './receive-uploads.ts';
import { sendAttachment } from './serve.ts';

/** Multipart overhead allowed per file on top of its bytes (part headers, boundaries). */
const PART_OVERHEAD = 16 * 1024;

async function upload(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, limits: AttachmentLimits, base: string) {
  try {
    // A declared length that cannot fit is refused before reading a byte.
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > limits.maxFiles * (limits.maxFileBytes + PART_OVERHEAD) + 64 * 1024) {
      throw new AppError('file_too_large', {
        message: `This upload is larger than ${limits.maxFiles} ${limits.maxFiles === 1 ? 'file' : 'files'} of ${formatBytes(limits.maxFileBytes)} each.`,
        details: { limitBytes: limits.maxFileBytes },
      });
    }
    const parts = request.parts({
      limits: {
        files: limits.maxFiles + 1,
        fileSize: limits.maxFileBytes + 1,
        fields: 1,
        fieldSize: 256 * 1024,
        parts: limits.maxFiles + 2,
        headerPairs: 20,
      },
    });
    const rows = await receiveUploads(ctx, parts, limits);
    reply.code(201);
    return { items: rows.map((r) => presentAttachment(r, base)) } satisfies UploadResult;
  } catch (err) {
    // Answer at once; then stop the client sending the rest of a refused body.
    lingerThenClose(request, reply);
    throw err;
  }
}

async function removePending(ctx: Ctx, request: FastifyRequest, reply: FastifyReply) {
  const key = await deletePending(ctx.db, ctx.workspaceId, ctx.actor, attachmentId(request.params));
  if (!key) throw new AppError('not_found');
  await ctx.files.delete(key);
  return reply.code(204).send();
}

/** Under `/portal/:slug/api`. */
export async function portalAttachmentRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  await app.register(multipart);
  app.post('/uploads', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ws = request.portal!.workspace;
    return upload(portalCtx(deps, request), request, reply, limitsOf(ws), portalFilesBase(ws.slug));
  });
  app.delete('/uploads/:id', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) =>
    removePending(portalCtx(deps, request), request, reply),
  );
  app.get('/attachments/:id', declare('portal', 'contact'), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    const file = await findForContact(ctx.db, ctx.workspaceId, ctx.actor, attachmentId(request.params));
    if (!file) throw new AppError('not_found');
    return sendAttachment(ctx.files, request, reply, file);
  });
}

/** Under `/staff/api`. */
export async function staffAttachmentRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  await app.register(multipart);
  app.post('/uploads', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    return upload(ctx, request, reply, limitsOf(await workspaceById(ctx.db, ctx.workspaceId)), STAFF_FILES_BASE);
  });
  app.delete('/uploads/:id', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) =>
    removePending(staffCtx(deps, request), request, reply),
  );
  app.get('/attachments/:id', declare('staff', 'staff'), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    const file = await findForStaff(ctx.db, ctx.workspaceId, ctx.actor.id, attachmentId(request.params));
    if (!file) throw new AppError('not_found');
    return sendAttachment(ctx.files, request, reply, file);
  });
}
