/**
 * A logo or favicon an admin uploads, checked from its bytes before it is stored and shown
 * on their portal: the type from magic numbers (never a file name or a declared type), the
 * size in bytes and in pixels from the headers, and an SVG rebuilt from an allow-list of
 * drawing elements and attributes, so no script, outside resource or HTML survives in it
 * (a browser runs an SVG's scripts when the image is opened on its own).
 */
import { fileTypeFromBuffer } from 'file-type';
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../../platform/errors.ts';

export type BrandImageKind = 'logo' | 'favicon';

/** Upload limits: logo 1 MiB, favicon 256 KiB. */
export const BRAND_IMAGE_MAX_BYTES: Record<BrandImageKind, number> = { logo: 1024 * 1024, favicon: 256 * 1024 };

/** Pixels on either side: a larger header is a decompression bomb, not a logo. */
const MAX_SIDE = 4096;

/** file-type's extension → the content type stored (an animated PNG is served as a PNG). */
const RASTER: Record<string, string> = { png: 'image/png', apng: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

export type CheckedImage = { contentType: string; bytes: Buffer; width?: number; height?: number };

/**
 * The bytes to store and their content type, or `AppError('branding_image_invalid')` with a
 * message saying what is wrong: empty, over the limit, not an allowed type (PNG, JPEG, GIF,
 * WebP, SVG; ICO for a favicon), more than 4096 pixels a side, or an SVG with no drawing.
 */
export async function checkBrandImage(kind: BrandImageKind, bytes: Buffer): Promise<CheckedImage> {
  const max = BRAND_IMAGE_MAX_BYTES[kind];
  if (bytes.length === 0) throw refuse('The file is empty. Choose the image again.');
  if (bytes.length > max) {
    throw refuse(`The ${kind} must be at most ${binary(max)} (${number(max)} bytes); this file is ${number(bytes.length)} bytes.`, { maxBytes: max });
  }
  const found = await fileTypeFromBuffer(bytes);
  const contentType = found && (RASTER[found.ext] ?? (found.ext === 'ico' && kind === 'favicon' ? 'image/x-icon' : undefined));
  if (found && contentType) {
    const size = dimensions(found.ext, bytes);
    if (!size || size.width === 0 || size.height === 0) throw refuse('The image is damaged: its size cannot be read. Save it again and upload it.');
    if (size.width > MAX_SIDE || size.height > MAX_SIDE) {
      throw refuse(
        `The image is ${number(size.width)} × ${number(size.height)} pixels; at most ${MAX_SIDE} pixels on either side are allowed. Make it smaller and upload it again.`,
        { ...size, maxSide: MAX_SIDE },
      );
    }
    return { contentType, bytes, ...size };
  }
  // file-type reads an SVG with an XML declaration as XML, and one without it as nothing.
  if (!found || found.ext === 'xml') {
    const svg = checkSvg(bytes);
    if (svg) return svg;
  }
  const types = kind === 'favicon' ? 'PNG, JPEG, GIF, WebP, ICO or SVG' : 'PNG, JPEG, GIF, WebP or SVG';
  throw refuse(`The ${kind} must be a ${types} image; this file is not one of those.`, found ? { detectedType: found.mime } : undefined);
}

function refuse(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('branding_image_invalid', { message, ...(details ? { details } : {}) });
}

const number = (n: number) => n.toLocaleString('en');
const binary = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`);

type Size = { width: number; height: number };

/** Width and height from the format's own header (file-type has already matched its signature). */
function dimensions(ext: string, b: Buffer): Size | undefined {
  switch (ext) {
    case 'png':
    case 'apng':
      return b.length >= 24 && b.toString('latin1', 12, 16) === 'IHDR' ? { width: b.readUInt32BE(16), height: b.readUInt32BE(20) } : undefined;
    case 'gif':
      return b.length >= 10 ? { width: b.readUInt16LE(6), height: b.readUInt16LE(8) } : undefined;
    case 'webp':
      return webpSize(b);
    case 'jpg':
      return jpegSize(b);
    case 'ico': // the first image in the directory; 0 means 256
      return b.length >= 8 ? { width: b[6] || 256, height: b[7] || 256 } : undefined;
    default:
      return undefined;
  }
}

function webpSize(b: Buffer): Size | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X' && b.length >= 30) return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}

/** The first start-of-frame segment's size; segments before it are skipped by their lengths. */
function jpegSize(b: Buffer): Size | undefined {
  let i = 2;
  while (i + 9 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) i += 1; // fill byte
    else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) i += 2; // no length
    else if (marker === 0xd9 || marker === 0xda) return undefined; // end, or image data before any frame
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    } else i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

// --- SVG ----------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

const SVG_TAGS = [
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan',
  'defs', 'linearGradient', 'radialGradient', 'stop', 'clipPath', 'mask', 'use', 'title', 'desc', 'symbol',
];
const PRESENTATION = [
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'stop-color', 'stop-opacity',
  'opacity', 'color', 'display', 'visibility', 'clip-rule', 'font-family', 'font-size', 'font-weight', 'font-style',
  'font-variant', 'font-stretch', 'text-anchor', 'dominant-baseline', 'letter-spacing', 'word-spacing',
  'text-decoration', 'vector-effect', 'shape-rendering', 'text-rendering', 'paint-order',
];
const SVG_ATTRIBUTES = [
  ...PRESENTATION, 'clip-path', 'mask', 'xmlns', 'xmlns:xlink', 'version', 'id', 'class', 'viewBox',
  'preserveAspectRatio', 'width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy',
  'fr', 'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'd', 'points', 'pathLength', 'transform', 'offset',
  'gradientUnits', 'gradientTransform', 'spreadMethod', 'clipPathUnits', 'maskUnits', 'maskContentUnits',
  'href', 'xlink:href', 'xml:space', 'style', 'role', 'aria-label', 'aria-hidden',
];
/** Colours, lengths, names and `url(#id)`: what drawing tools write in `style="…"`. */
const STYLE_VALUE = /^(?:[\w\s#.,%+'"-]|(?:rgba?|hsla?)\([\w\s.,%+/-]*\)|url\(\s*#[\w.:-]+\s*\))*$/i;

const SVG_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: SVG_TAGS,
  allowedAttributes: { '*': SVG_ATTRIBUTES },
  allowedStyles: { '*': Object.fromEntries(PRESENTATION.map((p) => [p, [STYLE_VALUE]])) },
  allowedSchemes: [],
  allowProtocolRelative: false,
  // Dropped with everything inside, not just their tags.
  nonTextTags: ['script', 'style', 'foreignObject', 'textarea', 'option', 'noscript'],
  // SVG names are case-sensitive: `viewBox`, `linearGradient`.
  parser: { lowerCaseTags: false, lowerCaseAttributeNames: false },
  transformTags: {
    '*': (tagName, attribs) => {
      const kept = Object.fromEntries(Object.entries(attribs).filter(([name, value]) => safeAttribute(name, value)));
      // Without the namespace a browser shows the file as XML, not as a drawing.
      return { tagName, attribs: tagName === 'svg' ? { ...kept, xmlns: SVG_NS } : kept };
    },
  },
};

/** Links only inside the drawing (`#id`, `url(#id)`), and nothing a CSS parser would decode. */
function safeAttribute(name: string, value: string): boolean {
  if (name === 'href' || name === 'xlink:href') return /^#[\w.:-]+$/.test(value.trim());
  // Another namespace on an element would turn its children into HTML.
  if (name === 'xmlns') return value === SVG_NS;
  if (name === 'xmlns:xlink') return value === XLINK_NS;
  if (value.includes('\\')) return false;
  const compact = value.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, '').toLowerCase();
  if (/javascript:|vbscript:|expression\(/.test(compact)) return false;
  const urls = compact.match(/url\(/g)?.length ?? 0;
  return urls === 0 || urls === (compact.match(/url\(['"]?#[\w.:-]+['"]?\)/g)?.length ?? 0);
}

/** The sanitised drawing, or null when the bytes are not an SVG at all. */
function checkSvg(bytes: Buffer): CheckedImage | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (!startsAsSvg(text)) return null;
  const clean = sanitizeHtml(text, SVG_OPTIONS).trim();
  if (!/^<svg[\s>]/.test(clean) || !clean.endsWith('</svg>')) {
    throw refuse('The SVG must be one <svg> element with the drawing inside it.');
  }
  return { contentType: 'image/svg+xml', bytes: Buffer.from(clean, 'utf8') };
}

/**
 * Whether the text begins, after an XML declaration, comments, processing instructions or a
 * DOCTYPE (without an internal subset, which could declare entities), with `<svg`. A scan
 * rather than one regular expression: a megabyte of near-misses must not take quadratic time.
 */
function startsAsSvg(text: string): boolean {
  let i = 0;
  const skipTo = (from: number, closing: string) => {
    const at = text.indexOf(closing, from);
    return at < 0 ? -1 : at + closing.length;
  };
  while (i >= 0) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<?', i)) i = skipTo(i + 2, '?>');
    else if (text.startsWith('<!--', i)) i = skipTo(i + 4, '-->');
    else if (/^<!DOCTYPE\s+svg[\s>]/.test(text.slice(i, i + 64))) {
      const end = skipTo(i, '>');
      i = end < 0 || text.slice(i, end).includes('[') ? -1 : end;
    } else return /^<svg[\s>/]/.test(text.slice(i, i + 5));
  }
  return false;
}
