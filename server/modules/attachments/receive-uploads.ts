/**
 * Receiving files: each multipart file part is streamed straight into the blob store
 * (never held whole in memory), hashed and sniffed on the way, and cut off the moment it
 * crosses the size limit. The rows are written only after every blob is stored, in one
 * transaction; if anything fails, the blobs stored so far are removed. A crash in between
 * leaves blobs without rows, which the clean-up job removes after an hour.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { formatBytes, type AttachmentLimits, type UploadManifest } from '../../../contracts/attachments.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { failpoint } from '../../platform/failpoint.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { newBlobKey, type BlobStore } from '../../platform/storage/blob-store.ts';
import { detectType, SNIFF_BYTES, typeMismatch } from './detect-type.ts';
import { cleanFileName } from './file-name.ts';
import { countPending, uploaderColumn, type AttachmentRow } from './queries.ts';

export const tooLarge = (name: string, limit: number) =>
  new AppError('file_too_large', {
    message: `“${name}” is larger than the ${formatBytes(limit)} limit.`,
    details: { name, limitBytes: limit },
  });

export const tooMany = (limit: number) =>
  new AppError('too_many_files', { message: `At most ${limit} files can be sent at once.`, details: { limit } });

const empty = (name: string) => new AppError('file_empty', { message: `“${name}” is empty. Choose the file again.`, details: { name } });

/** Counts, hashes and keeps the first bytes of what passes; fails once past `max` bytes. */
class Inspect extends Transform {
  size = 0;
  readonly hash = createHash('sha256');
  readonly #head: Buffer[] = [];
  #headLength = 0;
  readonly #max: number;
  readonly #onTooLarge: () => Error;

  constructor(max: number, onTooLarge: () => Error) {
    super();
    this.#max = max;
    this.#onTooLarge = onTooLarge;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.#max) return done(this.#onTooLarge());
    this.hash.update(chunk);
    if (this.#headLength < SNIFF_BYTES) {
      const part = Buffer.from(chunk.subarray(0, SNIFF_BYTES - this.#headLength)); // a copy: never pin the chunk
      this.#head.push(part);
      this.#headLength += part.length;
    }
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.#head);
  }
}

type Stored = Omit<AttachmentRow, 'message_id' | 'created_at'> & { declared_type: string };

/** Pending uploads a person may hold at once (files chosen but not yet sent). */
const pendingLimit = (limits: AttachmentLimits) => Math.max(50, limits.maxFiles * 5);

export async function receiveUploads(
  ctx: Ctx & { files: BlobStore },
  parts: AsyncIterable<Multipart>,
  limits: AttachmentLimits,
): Promise<AttachmentRow[]> {
  await enforce(ctx.db, [{ key: `upload:${ctx.actor.id}`, max: 600, windowSeconds: 3600 }]);
  if ((await countPending(ctx.db, ctx.workspaceId, ctx.actor)) >= pendingLimit(limits)) throw new AppError('upload_quota_exceeded');

  const stored: Stored[] = [];
  let current = 'A file';
  try {
    let files = 0;
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname !== 'manifest' || files > 0) throw new AppError('upload_invalid');
        checkManifest(part.value, limits);
        continue;
      }
      if (part.fieldname !== 'file') throw new AppError('upload_invalid');
      if (++files > limits.maxFiles) throw tooMany(limits.maxFiles);
      current = part.filename ?? current;
      stored.push(await storeFile(ctx, part, limits.maxFileBytes));
      failpoint(ctx.config.failpoint, 'upload.after-blob');
    }
    if (files === 0) throw new AppError('upload_invalid', { message: 'Choose at least one file to upload.' });
    // A blob must still be there (an upload slower than the orphan sweep's hour could lose one).
    for (const s of stored) if (!(await ctx.files.stat(s.storage_key))) throw new Error(`blob ${s.storage_key} vanished before its row`);
    return await insertRows(ctx, stored);
  } catch (err) {
    await Promise.all(stored.map((s) => ctx.files.delete(s.storage_key).catch(() => undefined)));
    throw translate(err, limits, current);
  }
}

/** The optional manifest lets a whole upload be refused before a single byte is stored. */
function checkManifest(value: unknown, limits: AttachmentLimits) {
  let manifest: UploadManifest;
  try {
    manifest = JSON.parse(String(value)) as UploadManifest;
  } catch {
    throw new AppError('upload_invalid', { message: 'The manifest is not valid JSON.' });
  }
  if (!Array.isArray(manifest)) throw new AppError('upload_invalid', { message: 'The manifest must be a list of files.' });
  if (manifest.length > limits.maxFiles) throw tooMany(limits.maxFiles);
  for (const f of manifest) {
    const name = cleanFileName(typeof f?.name === 'string' ? f.name : '');
    if (typeof f?.size !== 'number' || !Number.isInteger(f.size) || f.size < 0) {
      throw new AppError('upload_invalid', { message: 'Each manifest entry needs a name and a size in bytes.' });
    }
    if (f.size > limits.maxFileBytes) throw tooLarge(name, limits.maxFileBytes);
    if (f.size === 0) throw empty(name);
  }
}

async function storeFile(ctx: Ctx & { files: BlobStore }, part: MultipartFile, max: number): Promise<Stored> {
  // Browsers send a " in a file name as %22 (HTML's form encoding); undo that before cleaning.
  const name = cleanFileName(part.filename?.replace(/%22/g, '"'));
  const key = newBlobKey(ctx.workspaceId);
  const inspect = new Inspect(max, () => tooLarge(name, max));
  part.file.on('error', (err) => inspect.destroy(err));
  part.file.pipe(inspect);
  await ctx.files.put(key, inspect);
  const row: Stored = {
    id: randomBytes(16).toString('base64url'),
    storage_key: key,
    name,
    size: inspect.size,
    content_type: '',
    declared_type: part.mimetype ?? '',
    type_mismatch: false,
    sha256: inspect.hash.digest('hex'),
  };
  if (part.file.truncated) {
    await ctx.files.delete(key);
    throw tooLarge(name, max);
  }
  if (row.size === 0) {
    await ctx.files.delete(key);
    throw empty(name);
  }
  row.content_type = await detectType(inspect.head());
  row.type_mismatch = typeMismatch(row.content_type, name, part.mimetype);
  return row;
}

async function insertRows(ctx: Ctx, stored: Stored[]): Promise<AttachmentRow[]> {
  return mutate(ctx, async (tx, record) => {
    const rows: AttachmentRow[] = [];
    for (const s of stored) {
      const [row] = await tx.query<AttachmentRow>(
        `insert into attachments (workspace_id, id, storage_key, name, size, content_type, declared_type, type_mismatch, sha256, ${uploaderColumn(ctx.actor)})
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning id, storage_key, name, size::float8 as size, content_type, type_mismatch, sha256, message_id, created_at`,
        [ctx.workspaceId, s.id, s.storage_key, s.name, s.size, s.content_type, s.declared_type.slice(0, 200), s.type_mismatch, s.sha256, ctx.actor.id],
      );
      rows.push(row!);
    }
    await record({ type: 'attachments.uploaded', payload: { ids: rows.map((r) => r.id), mismatched: stored.filter((s) => s.type_mismatch).length } });
    return rows;
  });
}

/** The multipart parser's own limit errors, in our catalogue's words. */
function translate(err: unknown, limits: AttachmentLimits, fileName: string): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO' || code === 'EROFS') return new AppError('storage_unavailable');
  if (code === 'FST_FILES_LIMIT') return tooMany(limits.maxFiles);
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(cleanFileName(fileName), limits.maxFileBytes);
  if (code && /^FST_(PARTS|FIELDS)_LIMIT|^FST_INVALID_MULTIPART|^FST_PROTO_VIOLATION|^FST_INVALID_JSON_FIELD/.test(code)) {
    return new AppError('upload_invalid');
  }
  if (err instanceof Error && /Unexpected end of (form|multipart)|Malformed|boundary/i.test(err.message)) return new AppError('upload_invalid');
  return err;
}
