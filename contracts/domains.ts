import { z } from 'zod';

export const addDomainBody = z.object({
  /** As typed: checked and normalised by the server (lower case, punycode, no scheme or path). */
  hostname: z.string().trim().min(1, 'Required').max(300),
  /** The client whose portal it serves; null or absent: the workspace's own portal. */
  clientId: z.uuid().nullable().optional(),
});

export { DOMAIN_STATE_LABELS, type DomainState } from './constants.ts';
import type { DomainState } from './constants.ts';

export type CustomDomain = {
  id: string;
  hostname: string;
  /** Whose portal: a client, or null for the workspace's own. */
  client: { id: string; name: string } | null;
  state: DomainState;
  /** What is wrong and what to do, when something is. */
  reason: string | null;
  /** The DNS record to create. */
  record: { type: 'CNAME'; name: string; value: string };
  /** What the name pointed to at the last check. */
  dnsFound: string[];
  checks: number;
  /** When Portico looks again (null: it has stopped, see reason). */
  nextCheckAt: string | null;
  /** Until when Portico keeps checking DNS before it gives up. */
  checkUntil: string | null;
  activeSince: string | null;
  certificateExpiresAt: string | null;
  url: string;
  createdAt: string;
};
