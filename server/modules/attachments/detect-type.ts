/**
 * What a file really is, from its first bytes (magic numbers via `file-type`, plus a look
 * at text for the formats it does not cover: SVG, HTML, XML, plain text). The name's
 * extension and the browser's Content-Type are only compared, never trusted.
 */
import { fileTypeFromBuffer } from 'file-type';
import { lookup } from 'mime-types';

/** How many leading bytes detection needs. */
export const SNIFF_BYTES = 4100;

/** Raster images a browser may show inline: no script can run in them. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Types a browser would run or render as a document: served only as opaque downloads. */
export const ACTIVE_TYPES: ReadonlySet<string> = new Set([
  'text/html',
  'image/svg+xml',
  'application/xml',
  'text/xml',
  'application/xhtml+xml',
  'text/javascript',
  'application/javascript',
]);

const GENERIC = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown', '']);

export async function detectType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  const text = asText(head);
  if (text === null) return 'application/octet-stream';
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 2048).toLowerCase();
  if (/<svg[\s>]/.test(start) && /^(<\?xml|<!--|<!doctype svg|<svg)/.test(start)) return 'image/svg+xml';
  if (/^(<!doctype html|<html|<head|<body|<script|<iframe)/.test(start) || /<(script|html)[\s>]/.test(start)) return 'text/html';
  if (start.startsWith('<?xml')) return 'application/xml';
  return 'text/plain';
}

/** The head as text if it looks like text (valid UTF-8, no binary control bytes). */
function asText(head: Buffer): string | null {
  if (head.length === 0) return '';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text) ? null : text;
}

const family = (type: string) => {
  if (type.startsWith('text/') || type === 'application/json' || type === 'application/javascript') return 'text';
  // Office documents, e-books and jars are zip containers; file-type names some of them.
  if (type === 'application/zip' || /openxmlformats|opendocument|epub|java-archive/.test(type)) return 'zip';
  return type;
};

/**
 * Whether the extension or the browser's claim disagrees with the content, e.g. a `.jpg`
 * that is an SVG. Recorded with the attachment (`type_mismatch`, beside `declared_type`); never decides the type.
 */
export function typeMismatch(detected: string, name: string, declared: string | undefined): boolean {
  const claims = [lookup(name) || '', (declared ?? '').split(';')[0]!.trim().toLowerCase()].filter((t) => !GENERIC.has(t));
  return claims.some((claimed) => claimed !== detected && family(claimed) !== family(detected));
}
