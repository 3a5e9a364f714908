/**
 * Which custom domains are in service, held in memory by every process so a request can be
 * routed by its Host header before any route runs (Fastify's `rewriteUrl` is synchronous).
 * Reloaded when any process signals `domains.changed` on the bus, and every minute in case a
 * signal was lost.
 */
import type { IncomingMessage } from 'node:http';
import type { Db } from './db/db.ts';
import type { EventBus } from './events.ts';

export type DomainEntry = { domainId: string; hostname: string; workspaceId: string; slug: string; clientId: string | null };

/**
 * The request's host name: lower-case, without port or trailing dot. Behind a trusted proxy
 * (TRUST_PROXY) the first X-Forwarded-Host, as the visitor typed it.
 */
export function hostOf(req: IncomingMessage, trustProxy = false): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const raw = (Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0]?.trim()) || req.headers.host || '';
  const host = raw.startsWith('[') ? raw.slice(0, raw.indexOf(']') + 1) : raw.split(':')[0]!;
  return host.toLowerCase().replace(/\.$/, '');
}

const isIpLiteral = (host: string) => /^[\d.]+$/.test(host) || host.startsWith('[');

export class DomainMap {
  #byHost = new Map<string, DomainEntry>();
  #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #generation = 0;

  constructor(
    private readonly db: Db,
    /** The main address's host (PUBLIC_URL): always the default portal and staff app. */
    private readonly mainHost: string,
    /**
     * Whether other hosts are refused: yes once PUBLIC_URL is set (a deployment); without it
     * (trying Portico) any host that is not a custom domain is the main address.
     */
    private readonly strict: boolean,
  ) {}

  /** Loads the map, then follows `domains.changed` and reloads every minute. */
  async start(bus: EventBus): Promise<void> {
    await this.reload();
    bus.listen((m) => {
      if (m.kind === 'domains.changed') void this.reload().catch(() => undefined);
    });
    this.#timer = setInterval(() => void this.reload().catch(() => undefined), 60_000);
    this.#timer.unref();
  }

  stop() {
    clearInterval(this.#timer);
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    const rows = await this.db.query<DomainEntry & { state: string }>(
      `select d.id as "domainId", d.hostname, d.workspace_id as "workspaceId", w.slug, d.client_id as "clientId", d.state
         from custom_domains d join workspaces w on w.id = d.workspace_id`,
    );
    if (generation !== this.#generation) return; // a newer reload is on its way
    this.#byHost = new Map(rows.filter((r) => r.state === 'active').map(({ state: _s, ...r }) => [r.hostname, r]));
    this.#pending = new Set(rows.filter((r) => r.state !== 'active').map((r) => r.hostname));
  }

  /**
   * What a Host header means: the main address (also any IP address and localhost, for
   * development and health checks), a domain in service, or unknown — including a domain
   * that was added but is not in service yet, which only answers ACME challenges.
   */
  classify(host: string): { kind: 'main' } | { kind: 'domain'; entry: DomainEntry } | { kind: 'unknown' } {
    const entry = this.#byHost.get(host);
    if (entry) return { kind: 'domain', entry };
    if (this.#pending.has(host)) return { kind: 'unknown' };
    if (!this.strict || host === this.mainHost || host === 'localhost' || host === '' || isIpLiteral(host)) return { kind: 'main' };
    return { kind: 'unknown' };
  }

  /** For SNI: only domains in service have certificates to offer. */
  entryFor(host: string): DomainEntry | undefined {
    return this.#byHost.get(host);
  }
}

/** Tells every process (this one included) to reload its map. */
export const domainsChanged = (bus: EventBus, workspaceId: string) => bus.signal({ kind: 'domains.changed', workspaceId });
