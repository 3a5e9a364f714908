/**
 * Logos and favicons: real image bytes of each allowed type pass with their size; other
 * files, oversized ones and huge dimensions are refused with a message saying why; SVGs
 * come back without anything that could run or load.
 */
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { BRAND_IMAGE_MAX_BYTES, checkBrandImage, type BrandImageKind } from './check-image.ts';

const bytes = (base64: string) => Buffer.from(base64, 'base64');

// Real files, each the smallest its format allows.
const PNG = bytes('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='); // 1×1
const JPEG = bytes(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAACAAIBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q==',
); // 2×2, baseline
const GIF = bytes('R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=='); // 1×1
const WEBP_LOSSLESS = bytes('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=='); // 1×1, VP8L
const WEBP_LOSSY = bytes('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA'); // 1×1, VP8
const WEBP_ALPHA = bytes('UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA=='); // 1×1, VP8X
const ICO = bytes('AAABAAEAAQEAAAEAIABEAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAABAAAAAQgEAAAAtRwMAgAAAAtJREFUeNpjZGAAAAAGAAIwgdAvAAAAAElFTkSuQmCC'); // 1×1 PNG inside

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
/** The start of a Windows executable: the DOS header pointing at a PE signature. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(64)]);
const HTML = Buffer.from('<!doctype html>\n<html><body><img src=x onerror="alert(1)"><svg onload="alert(1)"></svg></body></html>');

/** A real greyscale PNG of any size (all black; it compresses to almost nothing). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(height * (width + 1)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A copy with bytes written at an offset (formats whose headers carry no checksum). */
function patched(original: Buffer, offset: number, write: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(original);
  write(copy.subarray(offset));
  return copy;
}

/** The refusal's message and details (fails the test if the image is accepted). */
async function refusal(kind: BrandImageKind, file: Buffer): Promise<{ message: string; details: unknown }> {
  const err = await checkBrandImage(kind, file).then(
    (ok) => new Error(`accepted as ${ok.contentType}`),
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw err;
  expect(err.code).toBe('branding_image_invalid');
  expect(err.status).toBe(400);
  return { message: err.message, details: err.details };
}

const NOT_A_LOGO = 'The logo must be a PNG, JPEG, GIF, WebP or SVG image; this file is not one of those.';
const NOT_A_FAVICON = 'The favicon must be a PNG, JPEG, GIF, WebP, ICO or SVG image; this file is not one of those.';

describe('raster images', () => {
  it.each([
    ['PNG', PNG, 'image/png', 1, 1],
    ['JPEG', JPEG, 'image/jpeg', 2, 2],
    ['GIF', GIF, 'image/gif', 1, 1],
    ['WebP (lossless)', WEBP_LOSSLESS, 'image/webp', 1, 1],
    ['WebP (lossy)', WEBP_LOSSY, 'image/webp', 1, 1],
    ['WebP (extended, with alpha)', WEBP_ALPHA, 'image/webp', 1, 1],
  ])('accepts a %s as logo and favicon, unchanged, with its size', async (_name, file, contentType, width, height) => {
    for (const kind of ['logo', 'favicon'] as const) {
      const checked = await checkBrandImage(kind, file);
      expect(checked).toEqual({ contentType, bytes: file, width, height });
    }
  });

  it('accepts an ICO as a favicon only', async () => {
    expect(await checkBrandImage('favicon', ICO)).toEqual({ contentType: 'image/x-icon', bytes: ICO, width: 1, height: 1 });
    expect(await refusal('logo', ICO)).toEqual({ message: NOT_A_LOGO, details: { detectedType: 'image/x-icon' } });
  });

  it('takes the type from the bytes alone: there is no name or declared type to be fooled by', async () => {
    // Whatever a PNG was called when uploaded, it is a PNG; a GIF inside a PNG's clothes is a GIF.
    expect((await checkBrandImage('logo', PNG)).contentType).toBe('image/png');
    expect((await checkBrandImage('logo', GIF)).contentType).toBe('image/gif');
    expect((await checkBrandImage('logo', png(300, 100))).contentType).toBe('image/png');
  });

  it('reads dimensions from larger real files', async () => {
    expect(await checkBrandImage('logo', png(300, 100))).toMatchObject({ width: 300, height: 100 });
    expect(await checkBrandImage('logo', png(4096, 1))).toMatchObject({ width: 4096, height: 1 });
  });
});

describe('refused files', () => {
  it('refuses an HTML page, an executable and a PDF, naming what was found when known', async () => {
    expect(await refusal('logo', HTML)).toEqual({ message: NOT_A_LOGO, details: undefined });
    expect(await refusal('logo', EXE)).toEqual({ message: NOT_A_LOGO, details: { detectedType: 'application/x-msdownload' } });
    expect(await refusal('favicon', PDF)).toEqual({ message: NOT_A_FAVICON, details: { detectedType: 'application/pdf' } });
    expect((await refusal('logo', Buffer.from('just some text'))).message).toBe(NOT_A_LOGO);
  });

  it('refuses an empty file', async () => {
    expect(await refusal('logo', Buffer.alloc(0))).toEqual({ message: 'The file is empty. Choose the image again.', details: undefined });
  });

  it('refuses a file over the limit, saying the limit', async () => {
    const limit = BRAND_IMAGE_MAX_BYTES.logo;
    expect(limit).toBe(1024 * 1024);
    const atLimit = Buffer.concat([PNG, Buffer.alloc(limit - PNG.length)]);
    expect((await checkBrandImage('logo', atLimit)).contentType).toBe('image/png');
    expect(await refusal('logo', Buffer.concat([atLimit, Buffer.alloc(1)]))).toEqual({
      message: 'The logo must be at most 1 MiB (1,048,576 bytes); this file is 1,048,577 bytes.',
      details: { maxBytes: 1_048_576 },
    });
    expect(BRAND_IMAGE_MAX_BYTES.favicon).toBe(256 * 1024);
    expect((await refusal('favicon', Buffer.concat([PNG, Buffer.alloc(256 * 1024)]))).message).toBe(
      `The favicon must be at most 256 KiB (262,144 bytes); this file is ${(PNG.length + 262_144).toLocaleString('en')} bytes.`,
    );
  });

  it('refuses more than 4096 pixels on either side, in every format', async () => {
    const tooBig = (width: number, height: number) => ({
      message: `The image is ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels; at most 4096 pixels on either side are allowed. Make it smaller and upload it again.`,
      details: { width, height, maxSide: 4096 },
    });
    expect(await refusal('logo', png(4097, 1))).toEqual(tooBig(4097, 1));
    expect(await refusal('logo', png(1, 5000))).toEqual(tooBig(1, 5000));
    const gif = patched(GIF, 6, (b) => (b.writeUInt16LE(5000, 0), b.writeUInt16LE(5000, 2)));
    expect(await refusal('logo', gif)).toEqual(tooBig(5000, 5000));
    // The JPEG's start-of-frame segment (FF C0) holds height, then width.
    const sof = JPEG.indexOf(Buffer.from([0xff, 0xc0]));
    const jpeg = patched(JPEG, sof + 5, (b) => (b.writeUInt16BE(60_000, 0), b.writeUInt16BE(40_000, 2)));
    expect(await refusal('logo', jpeg)).toEqual(tooBig(40_000, 60_000));
    const webp = patched(WEBP_ALPHA, 24, (b) => (b.writeUIntLE(16_383, 0, 3), b.writeUIntLE(0, 3, 3)));
    expect(await refusal('favicon', webp)).toEqual(tooBig(16_384, 1));
  });

  it('refuses an image whose size cannot be read', async () => {
    expect((await refusal('logo', JPEG.subarray(0, 20))).message).toBe('The image is damaged: its size cannot be read. Save it again and upload it.');
    expect((await refusal('logo', png(0, 1))).message).toBe('The image is damaged: its size cannot be read. Save it again and upload it.');
  });
});

describe('SVG', () => {
  const svg = async (source: string, kind: BrandImageKind = 'logo') => {
    const checked = await checkBrandImage(kind, Buffer.from(source));
    expect(checked.contentType).toBe('image/svg+xml');
    return checked.bytes.toString('utf8');
  };

  it('keeps a normal logo drawing as it is (viewBox, gradients, clip paths, text)', async () => {
    const logo = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Exported from a drawing tool -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40" width="120" height="40">
  <title>Acme</title>
  <defs>
    <linearGradient id="brand" x1="0" y1="0" x2="1" y2="0" gradientUnits="objectBoundingBox">
      <stop offset="0" stop-color="#1f5fbf"/>
      <stop offset="1" style="stop-color: #0f766e; stop-opacity: 0.8"/>
    </linearGradient>
    <radialGradient id="glow" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="rgba(255,255,255,0.4)"/></radialGradient>
    <clipPath id="round"><rect width="120" height="40" rx="6"/></clipPath>
  </defs>
  <g clip-path="url(#round)" transform="translate(0 0)">
    <rect width="120" height="40" fill="url(#brand)"/>
    <circle cx="20" cy="20" r="12" fill="url(#glow)"/>
    <path d="M10 30 L20 10 L30 30 Z" fill="#fff" stroke="#000" stroke-width="1.5" fill-rule="evenodd"/>
    <text x="40" y="26" font-family="Inter, sans-serif" font-size="16" fill="#fff">Acme &amp; Co</text>
    <use xlink:href="#round" href="#round"/>
  </g>
</svg>
`;
    expect(await svg(logo)).toBe(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40" width="120" height="40">
  <title>Acme</title>
  <defs>
    <linearGradient id="brand" x1="0" y1="0" x2="1" y2="0" gradientUnits="objectBoundingBox">
      <stop offset="0" stop-color="#1f5fbf"></stop>
      <stop offset="1" style="stop-color:#0f766e;stop-opacity:0.8"></stop>
    </linearGradient>
    <radialGradient id="glow" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="rgba(255,255,255,0.4)"></stop></radialGradient>
    <clipPath id="round"><rect width="120" height="40" rx="6"></rect></clipPath>
  </defs>
  <g clip-path="url(#round)" transform="translate(0 0)">
    <rect width="120" height="40" fill="url(#brand)"></rect>
    <circle cx="20" cy="20" r="12" fill="url(#glow)"></circle>
    <path d="M10 30 L20 10 L30 30 Z" fill="#fff" stroke="#000" stroke-width="1.5" fill-rule="evenodd"></path>
    <text x="40" y="26" font-family="Inter, sans-serif" font-size="16" fill="#fff">Acme &amp; Co</text>
    <use xlink:href="#round" href="#round"></use>
  </g>
</svg>`);
  });

  it('removes script, event handlers, foreignObject and style, contents included', async () => {
    const out = await svg(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">
<script>alert(2)</script><script type="text/ecmascript"><![CDATA[alert(3)]]></script>
<foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil"></iframe><p>phish</p></body></foreignObject>
<style>rect { fill: url(https://evil/track.png) }</style>
<rect width="10" height="10" onclick="alert(4)" onmouseover="alert(5)" fill="red"/>
</svg>`);
    expect(out).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n\n\n\n<rect width="10" height="10" fill="red"></rect>\n</svg>');
  });

  it('removes links that leave the drawing', async () => {
    const out = await svg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<use xlink:href="https://evil/sprite.svg#icon"/><use href="javascript:alert(1)"/><use href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;#x"/>
<a href="javascript:alert(1)"><text>click</text></a><a xlink:href="https://evil"><rect width="1" height="1"/></a>
<linearGradient id="a" href="other.svg#b"/><use href="#a"/>
</svg>`);
    expect(out).toBe(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<use></use><use></use><use></use>
<text>click</text><rect width="1" height="1"></rect>
<linearGradient id="a"></linearGradient><use href="#a"></use>
</svg>`);
  });

  it('removes attribute values that load from elsewhere, however they are written', async () => {
    const out = await svg(`<svg xmlns="http://www.w3.org/2000/svg">
<rect fill="url(https://evil/p.svg#p)" stroke="url&#40;https://evil)" mask="url(/other.svg#m)" clip-path="\\75 rl(https://evil)" width="1"/>
<rect style="fill: url(https://evil/x.png); stroke: red" height="1"/>
<rect style="fill: red; position: fixed; background-image: url(#x)" height="2"/>
<rect style="fill: red; behavior: url(x.htc)" height="3"/>
<g xmlns="http://www.w3.org/1999/xhtml" fill="URL( '#ok' )"/>
</svg>`);
    expect(out).toBe(`<svg xmlns="http://www.w3.org/2000/svg">
<rect width="1"></rect>
<rect height="1"></rect>
<rect style="fill:red" height="2"></rect>
<rect height="3"></rect>
<g fill="URL( '#ok' )"></g>
</svg>`);
  });

  it('drops processing instructions and adds the SVG namespace when missing', async () => {
    const out = await svg('\uFEFF<?xml version="1.0"?>\n<?xml-stylesheet href="https://evil/x.css"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg viewBox="0 0 1 1"><path d="M0 0h1v1z"/></svg>', 'favicon');
    expect(out).toBe('<svg viewBox="0 0 1 1" xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1z"></path></svg>');
  });

  it('refuses what is not an SVG document, or leaves no drawing', async () => {
    expect((await refusal('logo', Buffer.from('<html><body><svg onload="alert(1)"></svg></body></html>'))).message).toBe(NOT_A_LOGO);
    expect((await refusal('logo', Buffer.from('<SVG></SVG>'))).message).toBe(NOT_A_LOGO);
    // An internal DTD subset could declare entities (billion laughs, external files).
    expect((await refusal('logo', Buffer.from('<!DOCTYPE svg [<!ENTITY x "xxxxxxxx">]><svg>&x;</svg>'))).message).toBe(NOT_A_LOGO);
    expect((await refusal('logo', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg><p>after the drawing</p>'))).message).toBe(
      'The SVG must be one <svg> element with the drawing inside it.',
    );
    expect((await refusal('logo', Buffer.from('<!--'.repeat(200_000)))).message).toBe(NOT_A_LOGO);
  });
});
