import type { Attachment, AttachmentLimits } from '../../../contracts/attachments.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';
import { INLINE_IMAGE_TYPES } from './detect-type.ts';
import type { AttachmentRow } from './queries.ts';

/** Where a surface serves files: `/portal/{slug}/api/attachments` or `/staff/api/attachments`. */
export const portalFilesBase = (slug: string) => `/portal/${slug}/api/attachments`;
export const STAFF_FILES_BASE = '/staff/api/attachments';

/** A workspace's upload limits (per upload and per message). */
export const limitsOf = (ws: Pick<WorkspaceRow, 'upload_max_files' | 'upload_max_file_bytes'>): AttachmentLimits => ({
  maxFiles: ws.upload_max_files,
  maxFileBytes: Number(ws.upload_max_file_bytes),
});

export function presentAttachment(row: AttachmentRow, base: string): Attachment {
  const image = INLINE_IMAGE_TYPES.has(row.content_type);
  const url = `${base}/${row.id}`;
  return {
    id: row.id,
    name: row.name,
    size: Number(row.size),
    contentType: row.content_type,
    image,
    url,
    previewUrl: image ? `${url}?inline=1` : null,
  };
}

/** Files by message id (`''` for the ticket's own description). */
export function groupByMessage(rows: AttachmentRow[], base: string): Map<string, Attachment[]> {
  const map = new Map<string, Attachment[]>();
  for (const row of rows) {
    const key = row.message_id ?? '';
    const list = map.get(key) ?? [];
    list.push(presentAttachment(row, base));
    map.set(key, list);
  }
  return map;
}
