import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { notBuiltPage, PAGE_CSP } from './pages.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/web');
export const assetsDir = path.join(root, 'assets');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Kept in memory, re-read when a rebuild changes the file (so a running server follows `npm run build:web`).
const cache = new Map<string, { mtimeMs: number; html: string }>();

async function template(app: 'portal' | 'staff'): Promise<string | undefined> {
  const file = path.join(root, app, 'index.html');
  try {
    const { mtimeMs } = await stat(file);
    const hit = cache.get(app);
    if (hit?.mtimeMs === mtimeMs) return hit.html;
    const html = await readFile(file, 'utf8');
    cache.set(app, { mtimeMs, html });
    return html;
  } catch {
    return undefined;
  }
}

/** The built app's own stylesheets (Vite's hashed names), for pages that look like the app. */
export async function appStylesheets(app: 'portal' | 'staff'): Promise<string[]> {
  const html = (await template(app)) ?? '';
  return [...html.matchAll(/<link rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
}

export const escapeAttr = escapeHtml;

/**
 * Sends a single-page app's HTML with its title set (the portal's is its portal name) and
 * `head` (already escaped tags: the portal's branding) added after the app's own styles.
 */
export async function sendApp(reply: FastifyReply, app: 'portal' | 'staff', title: string, head = '') {
  const html = await template(app);
  reply.header('cache-control', 'no-cache');
  if (!html) return reply.code(503).header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(notBuiltPage());
  return reply
    .type('text/html; charset=utf-8')
    .send(
      html
        .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(title)}</title>`)
        .replace(/<link rel="icon"[^>]*>/, head.includes('rel="icon"') ? '' : '$&')
        .replace('</head>', () => `${head}</head>`), // functions: a `$` in a name is not a pattern
    );
}
