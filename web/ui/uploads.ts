/**
 * File uploads, without React: one file per request over XMLHttpRequest (fetch reports no
 * upload progress), and the small helpers the attachment UI shares (names, kinds, keys).
 */
import { formatBytes, type Attachment, type UploadManifest, type UploadResult } from '../../contracts/attachments.ts';
import { ApiError, errorFromResponse, getCsrfToken } from './api.ts';

export type UploadHandle = { promise: Promise<Attachment>; abort: () => void };

/** Codes after which sending the same file again cannot help. */
const FINAL_CODES = ['file_too_large', 'file_empty', 'upload_invalid'];
export const isRetryable = (err: unknown) => !(err instanceof ApiError && FINAL_CODES.some((c) => err.is(c)));

/**
 * POSTs one file as multipart (`manifest`, then `file`) and resolves with the stored
 * attachment. `onProgress` gets the bytes sent so far. A connection dropped after some bytes
 * went out is most likely the server refusing a file over the limit mid-way.
 */
export function uploadFile(
  url: string,
  file: File,
  opts: { maxFileBytes: number; onProgress: (sent: number, total: number) => void },
): UploadHandle {
  const xhr = new XMLHttpRequest();
  let sent = 0;
  const promise = new Promise<Attachment>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => {
      sent = e.loaded;
      opts.onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    };
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      const item = (data as UploadResult | undefined)?.items?.[0];
      if (xhr.status >= 200 && xhr.status < 300 && item) return resolve(item);
      if (xhr.status === 413 && !(data as { error?: unknown } | undefined)?.error) {
        return reject(new ApiError(413, 'payload_too_large', tooLargeMessage(file.name, opts.maxFileBytes)));
      }
      reject(errorFromResponse(xhr.status, data));
    };
    xhr.onerror = () =>
      reject(
        new ApiError(
          0,
          'network_error',
          sent > 0
            ? `Upload failed — the file may be too large (limit ${formatBytes(opts.maxFileBytes)}).`
            : 'Upload failed. Check your connection and try again.',
        ),
      );
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    const body = new FormData();
    const manifest: UploadManifest = [{ name: file.name, size: file.size }];
    body.append('manifest', JSON.stringify(manifest));
    body.append('file', file, file.name);
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}

export const tooLargeMessage = (name: string, maxFileBytes: number) =>
  `“${name}” is larger than the ${formatBytes(maxFileBytes)} limit.`;

/** "report.final.pdf" → ["report.final", ".pdf"], so a long name can shorten its middle, not its type. */
export function splitName(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 8) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

const KINDS: Record<string, string> = {
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'image/svg+xml': 'SVG image',
  'application/pdf': 'PDF document',
  'text/plain': 'Text file',
  'text/csv': 'CSV file',
  'application/zip': 'ZIP archive',
  'application/json': 'JSON file',
  'message/rfc822': 'Email message',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.ms-excel': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.ms-powerpoint': 'PowerPoint file',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint file',
  'video/mp4': 'MP4 video',
};

/** A short kind for people ("PDF document"), from the type or else the file name. */
export function fileKind(contentType: string, name: string): string {
  const known = KINDS[contentType.split(';')[0]!.trim().toLowerCase()];
  if (known) return known;
  const ext = splitName(name)[1].slice(1).toUpperCase();
  if (contentType.startsWith('image/')) return ext ? `${ext} image` : 'Image';
  return ext ? `${ext} file` : 'File';
}

/** Up to four letters for the file icon: "PDF", "TXT", "XLSX". */
export function fileBadge(contentType: string, name: string): string {
  const ext = splitName(name)[1].slice(1).toUpperCase();
  if (ext && ext.length <= 4) return ext;
  const sub = contentType.split('/')[1]?.split(/[;+.-]/)[0]?.toUpperCase();
  return sub && sub.length <= 4 ? sub : 'FILE';
}

/** `screenshot-2026-11-21-1432.png` for an image pasted from the clipboard (local time). */
export function screenshotName(type: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const ext = { 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }[type] ?? 'png';
  return `screenshot-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}.${ext}`;
}

/** A random UUID (v4) for `Idempotency-Key`; works outside secure contexts, unlike randomUUID(). */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Raster types the browser may show as a local thumbnail before the upload finishes. */
export const PREVIEWABLE = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const PREVIEW_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A blob: URL thumbnail of a picked image, or null (the pages' CSP allows images from the
 * site and its own blob: URLs, never data:). The caller revokes it when the file leaves the
 * draft. Only for the uploader's own eyes: the thread shows the server's preview.
 */
export function previewUrl(file: File): string | null {
  if (!PREVIEWABLE.includes(file.type) || file.size > PREVIEW_MAX_BYTES) return null;
  return URL.createObjectURL(file);
}
