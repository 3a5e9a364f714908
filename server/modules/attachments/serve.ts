/**
 * Serving a file safely: always a download (`Content-Disposition: attachment`) except a
 * safe raster image asked for inline; `nosniff`; a sandboxing CSP so that even a file
 * opened directly can run nothing; scripts-capable types (HTML, SVG, XML) as opaque bytes.
 * Strong ETags from the content hash and single byte ranges, so repeat views cost a 304
 * and large downloads resume.
 */
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import parseRange from 'range-parser';
import { Readable } from 'node:stream';
import { AppError } from '../../platform/errors.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { ACTIVE_TYPES, INLINE_IMAGE_TYPES } from './detect-type.ts';
import type { AttachmentRow } from './queries.ts';

const SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

export async function sendAttachment(store: BlobStore, request: FastifyRequest, reply: FastifyReply, file: AttachmentRow) {
  const stat = await store.stat(file.storage_key);
  if (!stat) {
    request.log.error({ attachment: file.id }, 'attachment blob is missing from storage');
    throw new AppError('not_found');
  }
  const size = stat.size;
  const etag = `"${file.sha256.slice(0, 32)}"`;
  const inline = (request.query as { inline?: string }).inline === '1' && INLINE_IMAGE_TYPES.has(file.content_type);
  const type = ACTIVE_TYPES.has(file.content_type) ? 'application/octet-stream' : file.content_type;

  reply
    .header('content-type', type.startsWith('text/') ? `${type}; charset=utf-8` : type)
    .header('content-disposition', contentDisposition(file.name, { type: inline ? 'inline' : 'attachment', fallback: asciiName(file.name) }))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', SANDBOX)
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, max-age=3600')
    .header('etag', etag)
    .header('accept-ranges', 'bytes');

  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();

  const rangeHeader = request.headers.range;
  const ifRange = request.headers['if-range'];
  if (rangeHeader && (!ifRange || ifRange === etag)) {
    const ranges = parseRange(size, rangeHeader, { combine: true });
    if (ranges === -1) {
      return reply.code(416).header('content-range', `bytes */${size}`).send();
    }
    // One range is served as asked; several (rare, for downloads) get the whole file.
    if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
      const { start, end } = ranges[0]!;
      reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
      return reply.send(body(request, () => store.read(file.storage_key, { start, end })));
    }
  }
  reply.header('content-length', size);
  return reply.send(body(request, () => store.read(file.storage_key)));
}

/** HEAD gets an empty stream: Fastify then keeps our Content-Length (for `undefined` it says 0). */
const body = (request: FastifyRequest, read: () => Readable) => (request.method === 'HEAD' ? Readable.from([]) : read());

/** For clients that ignore `filename*`: accents dropped, anything else non-ASCII as `_`. */
const asciiName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_');

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
