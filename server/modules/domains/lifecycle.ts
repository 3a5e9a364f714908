/**
 * A custom domain's life, one step at a time, run by the `domains.step` job in whichever
 * process leases the row first (so one process issues a certificate, and a crash mid-step
 * only delays it until the lease runs out):
 *
 *   pending_dns ─DNS points here→ dns_verified ─→ issuing ─certificate→ active
 *        │ 48 h without it                 │ 5 failed orders                │ DNS moved away
 *        └────────→ failed ←───────────────┘                  pending_dns ←─┘
 *
 * An active domain's DNS is checked every 6 hours, and its certificate renewed from 30 days
 * before it expires. "Check again" (an admin) puts a failed domain back to pending_dns.
 */
import { readFile } from 'node:fs/promises';
import type { Deps } from '../../platform/context.ts';
import { issueCertificate } from './acme.ts';
import { accountKey, challengeStore, storeCertificate } from './certificates.ts';
import { checkDomainDns, type DnsCheck } from './dns-check.ts';
import { domainsChanged } from '../../platform/domain-map.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DNS_WAIT_MS = 48 * HOUR;
/** Waits between DNS checks while pending: every few minutes at first, then hourly. */
const DNS_BACKOFF = [1, 2, 5, 10, 15, 30, 60].map((m) => m * MINUTE);
const ISSUE_BACKOFF = [2, 10, 30, 60].map((m) => m * MINUTE);
export const MAX_ISSUE_ATTEMPTS = 5;
const ACTIVE_RECHECK = 6 * HOUR;
const RENEW_BEFORE = 30 * 24 * HOUR;
const LEASE = "interval '10 minutes'";

export type DomainRow = {
  id: string;
  workspace_id: string;
  hostname: string;
  state: 'pending_dns' | 'dns_verified' | 'issuing' | 'active' | 'failed';
  checks: number;
  issue_attempts: number;
  waiting_since: Date;
  cert_not_after: Date | null;
};

/** Leases the next due domain, or none. */
async function leaseNext(deps: Deps): Promise<DomainRow | undefined> {
  const [row] = await deps.db.query<DomainRow>(
    `update custom_domains d set lease_until = now() + ${LEASE}
      where d.id = (select id from custom_domains
                     where next_step_at <= now() and state <> 'failed' and (lease_until is null or lease_until < now())
                     order by next_step_at limit 1 for update skip locked)
      returning d.id, d.workspace_id, d.hostname, d.state, d.checks, d.issue_attempts, d.waiting_since,
                (select not_after from domain_certificates c where c.domain_id = d.id) as cert_not_after`,
  );
  return row;
}

type Outcome = {
  state: DomainRow['state'];
  reason: string | null;
  /** When the next step is due; null: never (failed). */
  nextInMs: number | null;
  found?: string[];
  checks?: number;
  issueAttempts?: number;
  extra?: 'dns_verified' | 'activated' | 'waiting_again';
};

/** Writes a step's outcome and gives up the lease; false if the domain was removed meanwhile. */
async function finish(deps: Deps, d: DomainRow, o: Outcome): Promise<boolean> {
  const rows = await deps.db.query(
    `update custom_domains set state = $2, reason = $3,
        next_step_at = case when $4::bigint is null then 'infinity'::timestamptz else now() + $4::bigint * interval '1 millisecond' end,
        dns_found = coalesce($5, dns_found), checks = coalesce($6, checks), issue_attempts = coalesce($7, issue_attempts),
        dns_verified_at = case when $8 = 'dns_verified' then now() else dns_verified_at end,
        active_since = case when $8 = 'activated' then now() when $2 <> 'active' then null else active_since end,
        waiting_since = case when $8 = 'waiting_again' then now() else waiting_since end,
        lease_until = null, updated_at = now()
      where id = $1 returning id`,
    [d.id, o.state, o.reason, o.nextInMs, o.found ?? null, o.checks ?? null, o.issueAttempts ?? null, o.extra ?? null],
  );
  return rows.length > 0;
}

/** What the admin reads when DNS is not right yet. */
export function dnsProblem(check: Exclude<DnsCheck, { ok: true }>, hostname: string, target: string): string {
  switch (check.reason) {
    case 'no_record':
      return `No DNS record found for ${hostname} yet. Create a CNAME record pointing to ${target}; changes can take up to 48 hours to be seen.`;
    case 'points_elsewhere':
      return `${hostname} points to ${check.found.join(', ')}, not ${target}. Change its CNAME record to ${target}.`;
    case 'dns_error':
      return `DNS could not be checked (${check.detail ?? 'no answer'}). Portico will try again.`;
  }
}

const dnsOptions = (deps: Deps) => ({ ...(deps.config.domains.dnsServers ? { servers: deps.config.domains.dnsServers } : {}) });

async function pendingStep(deps: Deps, d: DomainRow): Promise<Outcome> {
  const target = deps.config.domains.cnameTarget;
  const check = await checkDomainDns(d.hostname, target, dnsOptions(deps));
  if (check.ok) return { state: 'dns_verified', reason: null, nextInMs: 0, found: [], checks: d.checks + 1, extra: 'dns_verified' };
  const checks = d.checks + 1;
  if (Date.now() - new Date(d.waiting_since).getTime() >= DNS_WAIT_MS) {
    return {
      state: 'failed',
      reason: `After 48 hours ${d.hostname} still does not point to ${target}. ${dnsProblem(check, d.hostname, target)} Then choose “Check again”.`,
      nextInMs: null,
      found: check.found,
      checks,
    };
  }
  const wait = DNS_BACKOFF[Math.min(checks - 1, DNS_BACKOFF.length - 1)]!;
  return { state: 'pending_dns', reason: dnsProblem(check, d.hostname, target), nextInMs: wait, found: check.found, checks };
}

async function issue(deps: Deps, d: DomainRow): Promise<void> {
  const { domains } = deps.config;
  const cert = await issueCertificate({
    directoryUrl: domains.acmeDirectoryUrl,
    accountKeyPem: await accountKey(deps),
    ...(domains.acmeEmail ? { email: domains.acmeEmail } : {}),
    hostname: d.hostname,
    challenges: challengeStore(deps.db, d.hostname),
    backoff: { attempts: 10, minMs: domains.acmePollMs, maxMs: Math.max(domains.acmePollMs, 30_000) },
    ...(domains.acmeCaFile ? { caCertPem: await readFile(domains.acmeCaFile, 'utf8') } : {}),
  });
  await deps.db.tx((tx) => storeCertificate(deps, tx, d.id, d.hostname, cert));
}

async function issueStep(deps: Deps, d: DomainRow): Promise<Outcome> {
  // Behind a proxy with on-demand TLS the proxy obtains the certificate on the first visit.
  if (deps.config.domains.tls === 'proxy') return { state: 'active', reason: null, nextInMs: ACTIVE_RECHECK, extra: 'activated' };
  // Shown while the order runs (it can take a minute).
  await deps.db.query(`update custom_domains set state = 'issuing', reason = null, updated_at = now() where id = $1`, [d.id]);
  try {
    await issue(deps, d);
    return { state: 'active', reason: null, nextInMs: ACTIVE_RECHECK, issueAttempts: 0, extra: 'activated' };
  } catch (err) {
    const attempts = d.issue_attempts + 1;
    const detail = err instanceof Error ? err.message : String(err);
    deps.log.warn({ err, hostname: d.hostname }, 'certificate order failed');
    if (attempts >= MAX_ISSUE_ATTEMPTS) {
      return {
        state: 'failed',
        reason: `The certificate could not be obtained after ${attempts} tries: ${detail} Check that ${d.hostname} reaches this server on port 80, then choose “Check again”.`,
        nextInMs: null,
        issueAttempts: attempts,
      };
    }
    const wait = ISSUE_BACKOFF[Math.min(attempts - 1, ISSUE_BACKOFF.length - 1)]!;
    return {
      state: 'dns_verified',
      reason: `The certificate could not be obtained yet: ${detail} Trying again in ${Math.round(wait / MINUTE)} minutes.`,
      nextInMs: wait,
      issueAttempts: attempts,
    };
  }
}

async function activeStep(deps: Deps, d: DomainRow): Promise<Outcome> {
  const target = deps.config.domains.cnameTarget;
  const check = await checkDomainDns(d.hostname, target, dnsOptions(deps));
  if (!check.ok && check.reason !== 'dns_error') {
    // Out of service at once: the portal stays at its default address meanwhile.
    return {
      state: 'pending_dns',
      reason: `${dnsProblem(check, d.hostname, target)} The domain is out of service until it points here again.`,
      nextInMs: DNS_BACKOFF[0]!,
      found: check.found,
      checks: 0,
      extra: 'waiting_again',
    };
  }
  if (deps.config.domains.tls === 'proxy') return { state: 'active', reason: null, nextInMs: ACTIVE_RECHECK };
  const expires = d.cert_not_after ? new Date(d.cert_not_after).getTime() : 0;
  if (expires - Date.now() > RENEW_BEFORE) return { state: 'active', reason: null, nextInMs: ACTIVE_RECHECK };
  try {
    await issue(deps, d);
    return { state: 'active', reason: null, nextInMs: ACTIVE_RECHECK, issueAttempts: 0 };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    deps.log.warn({ err, hostname: d.hostname }, 'certificate renewal failed');
    return { state: 'active', reason: `Renewing the certificate failed: ${detail} Portico will try again within the hour.`, nextInMs: HOUR };
  }
}

/**
 * Runs the steps that are due, one domain at a time, until none is (or `max` were run).
 * Returns how many ran.
 */
export async function runDomainSteps(deps: Deps, max = 20): Promise<number> {
  let ran = 0;
  for (; ran < max; ran++) {
    const d = await leaseNext(deps);
    if (!d) break;
    let outcome: Outcome;
    try {
      outcome =
        d.state === 'pending_dns'
          ? await pendingStep(deps, d)
          : d.state === 'active'
            ? await activeStep(deps, d)
            : await issueStep(deps, d);
    } catch (err) {
      deps.log.error({ err, hostname: d.hostname }, 'custom domain step failed');
      outcome = { state: d.state === 'issuing' ? 'dns_verified' : d.state, reason: null, nextInMs: 5 * MINUTE };
    }
    const changedService = (d.state === 'active') !== (outcome.state === 'active');
    if ((await finish(deps, d, outcome)) && changedService) domainsChanged(deps.bus, d.workspace_id);
  }
  return ran;
}
