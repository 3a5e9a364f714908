/**
 * Attachments: shared by server and browser (types and plain values only).
 *
 * Flow: files are uploaded first (`POST …/api/uploads`, multipart, one or more `file`
 * parts, optionally preceded by a `manifest` field), which stores them as *pending*
 * uploads visible only to the uploader. Creating a ticket, a reply or a note then names
 * them in `attachmentIds`; the create claims them in the same transaction, so a ticket or
 * reply never exists without its files. Pending uploads not claimed within a day are
 * removed, with their blobs.
 */

/** Defaults; a workspace admin can change both (Settings → Attachments). */
export const DEFAULT_MAX_FILES = 10;
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Bounds an admin may choose within. */
export const MAX_FILES_LIMIT = 50;
export const MAX_FILE_MB_LIMIT = 500;

export type AttachmentLimits = { maxFiles: number; maxFileBytes: number };

export type Attachment = {
  id: string;
  /** The uploader's file name, cleaned (no path, no control or zero-width characters). Display it escaped. */
  name: string;
  size: number;
  /** Detected from the file's content (magic bytes), not from its name or the browser's claim. */
  contentType: string;
  /** A PNG, JPEG, GIF or WebP image: `previewUrl` shows it inline. */
  image: boolean;
  /** Download (always `Content-Disposition: attachment`). */
  url: string;
  /** Inline view for safe raster images; null for everything else. */
  previewUrl: string | null;
};

/** Optional first multipart field `manifest`: JSON array describing the files that follow. */
export type UploadManifest = { name: string; size: number }[];

export type UploadResult = { items: Attachment[] };

/** Formats a byte count for people: `9.5 MB`, `120 KB`, `12 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  const mb = n / (1024 * 1024);
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}
