import type { CustomDomain, DomainState } from '../../../contracts/domains.ts';
import type { Sql } from '../../platform/db/db.ts';
import { DNS_WAIT_MS } from './lifecycle.ts';

type Row = {
  id: string;
  hostname: string;
  client_id: string | null;
  client_name: string | null;
  state: DomainState;
  reason: string | null;
  dns_found: string[];
  checks: number;
  next_step_at: Date;
  waiting_since: Date;
  active_since: Date | null;
  not_after: Date | null;
  created_at: Date;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function present(r: Row, cnameTarget: string): CustomDomain {
  const next = new Date(r.next_step_at);
  return {
    id: r.id,
    hostname: r.hostname,
    client: r.client_id ? { id: r.client_id, name: r.client_name ?? '' } : null,
    state: r.state,
    reason: r.reason,
    record: { type: 'CNAME', name: r.hostname, value: cnameTarget },
    dnsFound: r.dns_found,
    checks: r.checks,
    nextCheckAt: Number.isFinite(next.getTime()) && r.state !== 'failed' ? next.toISOString() : null,
    checkUntil: r.state === 'pending_dns' ? new Date(new Date(r.waiting_since).getTime() + DNS_WAIT_MS).toISOString() : null,
    activeSince: iso(r.active_since),
    certificateExpiresAt: iso(r.not_after),
    url: `https://${r.hostname}`,
    createdAt: iso(r.created_at)!,
  };
}

const select = `select d.id, d.hostname, d.client_id, c.name as client_name, d.state, d.reason, d.dns_found, d.checks,
    d.next_step_at, d.waiting_since, d.active_since, d.created_at,
    (select not_after from domain_certificates x where x.domain_id = d.id) as not_after
  from custom_domains d left join clients c on c.workspace_id = d.workspace_id and c.id = d.client_id`;

export async function listDomains(db: Sql, workspaceId: string, cnameTarget: string): Promise<CustomDomain[]> {
  const rows = await db.query<Row>(`${select} where d.workspace_id = $1 order by d.created_at`, [workspaceId]);
  return rows.map((r) => present(r, cnameTarget));
}

export async function findDomain(db: Sql, workspaceId: string, id: string, cnameTarget: string): Promise<CustomDomain | undefined> {
  const [row] = await db.query<Row>(`${select} where d.workspace_id = $1 and d.id = $2`, [workspaceId, id]);
  return row ? present(row, cnameTarget) : undefined;
}

/** The address a client's (or the workspace's, with null) emails link to: its domain in service, if any. */
export async function activeDomainOf(db: Sql, workspaceId: string, clientId: string | null): Promise<string | undefined> {
  const [row] = await db.query<{ hostname: string }>(
    `select hostname from custom_domains where workspace_id = $1 and client_id is not distinct from $2 and state = 'active'`,
    [workspaceId, clientId],
  );
  return row?.hostname;
}
