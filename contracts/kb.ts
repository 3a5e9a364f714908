/**
 * Knowledge base: shared by server and browser (types and schemas).
 *
 * Articles are written in Markdown by staff; the server renders and sanitises them
 * (`html` is safe to insert). Visibility: `public` (anyone who can open the portal, signed
 * in or not), `contacts` (signed-in contacts), `clients` (signed-in contacts of the chosen
 * clients), `internal` (staff only). Only published articles reach the portal. Article
 * URLs use slugs; a renamed article keeps answering at its old slugs (`movedTo`).
 *
 * Portal API (under `/portal/{slug}/api`, session optional):
 *   GET  /kb                         → KbHome
 *   GET  /kb/categories/:slug        → KbCategoryPage
 *   GET  /kb/articles/:slug          → KbArticlePage | { movedTo: string } (counts a view)
 *   GET  /kb/search?q=&page=         → KbSearchResult (25 a page)
 *   GET  /kb/suggest?q=              → { items: KbSearchHit[] } (≤ 5; while writing a ticket)
 *   POST /kb/articles/:slug/vote     { helpful } → { myVote, helpful, notHelpful }
 *   POST /kb/deflections             { articleId, query } → 204 (opened a suggestion, then left without submitting)
 *   GET  /kb/files/:id               an article's image (for readers of that article)
 * Staff API (under `/staff/api`):
 *   GET/POST /kb/categories, PATCH/DELETE /kb/categories/:id (delete: only when empty)
 *   GET  /kb/articles?q=&status=     → { items: StaffKbArticleSummary[] }
 *   POST /kb/articles                SaveArticleBody → StaffKbArticle (a draft)
 *   GET/PATCH/DELETE /kb/articles/:id → StaffKbArticle (PATCH with expectedUpdatedAt: 409 kb_article_changed if someone saved since)
 *   POST /kb/articles/:id/publish | /unpublish → StaffKbArticle
 *   POST /kb/preview                 { markdown } → { html }
 * Images: upload with `POST /staff/api/uploads`, then write `![alt](kb-file:{id})` in the
 * Markdown; saving attaches them to the article (PNG, JPEG, GIF, WebP only).
 *   GET  /kb/search?q=               → { items: StaffKbHit[] } (published, internal included; for linking from a ticket)
 *   GET  /kb/stats                   → KbStats
 */
import { z } from 'zod';

import { KB_LANGUAGES, KB_MARKDOWN_MAX, KB_VISIBILITIES } from './constants.ts';

export { KB_LANGUAGES, KB_MARKDOWN_MAX, KB_VISIBILITIES };
export type KbVisibility = (typeof KB_VISIBILITIES)[number];
export type KbStatus = 'draft' | 'published';

export type KbLanguage = (typeof KB_LANGUAGES)[number];

export type KbCategory = { id: string; slug: string; name: string; description: string; position: number; articleCount: number };

export type KbArticleSummary = { id: string; slug: string; title: string; excerpt: string; categoryName: string; updatedAt: string };

export type KbHome = { categories: KbCategory[]; popular: KbArticleSummary[] };

export type KbCategoryPage = { category: KbCategory; articles: KbArticleSummary[] };

export type KbArticlePage = {
  article: {
    id: string;
    slug: string;
    title: string;
    /** Rendered and sanitised; safe to insert as HTML. */
    html: string;
    category: { id: string; slug: string; name: string };
    updatedAt: string;
  };
  related: KbArticleSummary[];
  /** This person's (or this browser's) vote. */
  myVote: 'helpful' | 'not_helpful' | null;
};

/** A piece of a search snippet; `hit` pieces are the matching words (render as <mark>). */
export type SnippetPart = { text: string; hit: boolean };

export type KbSearchHit = { id: string; slug: string; title: string; snippet: SnippetPart[]; categoryName: string; updatedAt: string };

export type KbSearchResult = { items: KbSearchHit[]; total: number; page: number; pageSize: number };

export type StaffKbArticleSummary = {
  id: string;
  slug: string;
  title: string;
  categoryId: string;
  categoryName: string;
  status: KbStatus;
  visibility: KbVisibility;
  updatedAt: string;
  views: number;
  helpful: number;
  notHelpful: number;
  deflections: number;
};

export type StaffKbArticle = StaffKbArticleSummary & {
  markdown: string;
  html: string;
  clientIds: string[];
  publishedAt: string | null;
  /** Where contacts read it (for linking). */
  portalUrl: string;
};

/** A staff search hit, with the portal address to paste into a reply. */
export type StaffKbHit = KbSearchHit & { visibility: KbVisibility; portalUrl: string };

export type KbStats = {
  articles: StaffKbArticleSummary[];
  /** Searches that found nothing, most frequent first: what to write next. */
  failedSearches: { query: string; count: number; lastAt: string }[];
};

export const saveCategoryBody = z.object({
  name: z.string().trim().min(1, 'Required').max(80),
  description: z.string().trim().max(300).default(''),
  position: z.number().int().min(0).max(10_000).optional(),
});

export const saveArticleBody = z
  .object({
    title: z.string().trim().min(1, 'Required').max(200),
    categoryId: z.uuid('Choose a category'),
    markdown: z.string().max(KB_MARKDOWN_MAX).default(''),
    visibility: z.enum(KB_VISIBILITIES).default('contacts'),
    clientIds: z.array(z.uuid()).max(500).default([]),
    /** The `updatedAt` the editor loaded: saving over someone else's newer save is refused (409). */
    expectedUpdatedAt: z.iso.datetime().optional(),
  })
  .refine((a) => a.visibility !== 'clients' || a.clientIds.length > 0, { path: ['clientIds'], message: 'Choose at least one client' });

export const previewBody = z.object({ markdown: z.string().max(KB_MARKDOWN_MAX) });
export const voteBody = z.object({ helpful: z.boolean() });
export const deflectionBody = z.object({ articleId: z.uuid(), query: z.string().trim().max(200).default('') });
export const kbSearchQuery = z.object({
  q: z.string().trim().max(200).default(''),
  page: z.coerce.number().int().min(1).max(1000).default(1),
});
