/** Plain values shared by server and browser; no zod here, so the web bundles stay small. */
export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketStatus = (typeof STATUSES)[number];
export type TicketPriority = (typeof PRIORITIES)[number];

export const MIN_PASSWORD_LENGTH = 10;
export const PAGE_SIZE = 25;

/** Longest chat message, in characters. */
export const CHAT_MESSAGE_MAX_CHARS = 4000;

/** Knowledge base: who may read an article. */
export const KB_VISIBILITIES = ['public', 'contacts', 'clients', 'internal'] as const;
/** Text search languages a workspace can choose (PostgreSQL configurations). */
export const KB_LANGUAGES = ['english', 'simple', 'danish', 'dutch', 'finnish', 'french', 'german', 'italian', 'norwegian', 'portuguese', 'spanish', 'swedish'] as const;
/** Knowledge base search results a page: ten, as help centers and search engines show. */
export const KB_SEARCH_PAGE_SIZE = 10;
/** Longest article, in Markdown characters. */
export const KB_MARKDOWN_MAX = 100_000;

/** A custom domain's progress (domains/lifecycle.ts) and how the staff app names it. */
export type DomainState = 'pending_dns' | 'dns_verified' | 'issuing' | 'active' | 'failed';

export const DOMAIN_STATE_LABELS: Record<DomainState, string> = {
  pending_dns: 'Waiting for DNS',
  dns_verified: 'DNS verified',
  issuing: 'Issuing certificate',
  active: 'Active',
  failed: 'Failed',
};
