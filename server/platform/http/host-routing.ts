/**
 * Routing by Host header, before any route runs: a custom domain in service serves its
 * portal at the root (`support.client.com/tickets/5` is `/portal/{slug}/tickets/5` inside),
 * an unknown host gets a neutral 404 whatever the path, and the main address is unchanged.
 * ACME challenges and the health check answer on every host.
 */
import type { IncomingMessage } from 'node:http';
import { hostOf, type DomainEntry, type DomainMap } from '../domain-map.ts';

/** The path unknown hosts are sent to: it answers a plain 404 page. */
export const UNKNOWN_HOST_PATH = '/_unknown-host';

/** Requests that arrived on a custom domain, and which one (read by the portal's hooks). */
const routed = new WeakMap<IncomingMessage, DomainEntry>();

export const domainOf = (req: IncomingMessage): DomainEntry | undefined => routed.get(req);

export function rewriteForHost(domains: DomainMap, req: IncomingMessage, trustProxy: boolean): string {
  const url = req.url ?? '/';
  if (url.startsWith('/.well-known/acme-challenge/') || url.startsWith('/.well-known/portico/') || url === '/healthz') return url;
  const host = domains.classify(hostOf(req, trustProxy));
  if (host.kind === 'main') return url;
  if (host.kind === 'unknown') return UNKNOWN_HOST_PATH;
  routed.set(req, host.entry);
  if (url.startsWith('/assets/')) return url;
  // Links that open a ticket without signing in, sent in this client's emails.
  if (url.startsWith('/access/')) return `/portal${url}`;
  return `/portal/${host.entry.slug}${url === '/' ? '' : url}`;
}
