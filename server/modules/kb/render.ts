/**
 * Markdown → safe HTML, once, on save. `marked` parses; `sanitize-html` keeps only a list of
 * harmless tags and attributes (no script, no event handlers, no style), only http(s) and
 * mailto links, and marks links to other sites `rel="noopener noreferrer"` (opened in a new
 * tab). The plain text of the result feeds search, snippets and excerpts.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'strong', 'em', 'del', 's',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd',
];

export type Rendered = { html: string; text: string };

/** An image uploaded for an article, written `![alt](kb-file:{id})`. */
const KB_FILE = /^kb-file:([A-Za-z0-9_-]{22,64})$/;

/** The uploaded images an article's Markdown shows. */
export function kbFileIds(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/kb-file:([A-Za-z0-9_-]{22,64})/g)].map((m) => m[1]!))];
}

/**
 * `ownOrigin`: links elsewhere get `rel="noopener noreferrer" target="_blank"`. `fileUrl`:
 * where an uploaded image (`kb-file:{id}`) is served to the reader (portal or staff app).
 */
export function renderMarkdown(markdown: string, ownOrigin: string, fileUrl?: (id: string) => string): Rendered {
  const raw = marked.parse(markdown) as string;
  const html = sanitizeHtml(raw, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      ol: ['start'],
    },
    allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    transformTags: {
      // Images are the article's own uploads (`kb-file:`): the portal's CSP loads images from
      // its own origin only, so an image from elsewhere becomes a link to it.
      img: (tagName, attribs) => {
        const file = KB_FILE.exec(attribs.src ?? '');
        if (file) return { tagName, attribs: { ...attribs, src: fileUrl ? fileUrl(file[1]!) : '' } };
        if (/^https?:\/\//i.test(attribs.src ?? '')) {
          return { tagName: 'a', attribs: { href: attribs.src!, rel: 'noopener noreferrer', target: '_blank' }, text: attribs.alt || attribs.src! };
        }
        return { tagName, attribs };
      },
      a: (tagName, attribs) => {
        const href = attribs.href ?? '';
        let external = false;
        try {
          const url = new URL(href, ownOrigin);
          external = url.origin !== ownOrigin && (url.protocol === 'http:' || url.protocol === 'https:');
        } catch {
          external = false;
        }
        const { target: _t, rel: _r, ...rest } = attribs;
        return { tagName, attribs: external ? { ...rest, rel: 'noopener noreferrer', target: '_blank' } : rest };
      },
    },
  });
  return { html: html.trim(), text: htmlToText(html) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };

/** The readable text of sanitised HTML: blocks become line breaks, tags go, entities decode. */
export function htmlToText(html: string): string {
  const spaced = html.replace(/<\/(p|h[1-6]|li|pre|blockquote|tr|td|th)>|<br\s*\/?>/gi, '$&\n');
  const stripped = sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} });
  return stripped
    .replace(/&(#?\w+);/g, (m, e: string) => ENTITIES[e] ?? m)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

/** The first words of an article, for lists. */
export function excerptOf(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}
