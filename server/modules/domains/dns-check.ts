/**
 * Is a custom domain pointed at Portico? The admin creates a CNAME to the configured target
 * host (or, at a zone apex, an ALIAS / flattened record whose addresses are the target's);
 * this checks it through a real resolver and says what the name points to when it is wrong.
 *
 * It proves routing, not ownership: two workspaces could point the same name at us, so the
 * caller keeps hostnames unique (`domain_taken`).
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type DnsCheck =
  | { ok: true; via: 'cname' | 'address' }
  | { ok: false; reason: 'no_record' | 'points_elsewhere' | 'dns_error'; found: string[]; detail?: string };

export type DnsCheckOptions = {
  /** Resolvers as `ip` or `ip:port`; the system's when absent. */
  servers?: string[];
  /** Budget for the whole check (all its queries); default 5000 ms. */
  timeoutMs?: number;
};

/** CNAME steps followed before falling back to comparing addresses. */
const MAX_CHAIN = 5;

const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

class DnsFailure extends Error {}

const MISSING = new Set(['ENODATA', 'ENOTFOUND']);

/** Runs one query: records, `[]` for NXDOMAIN/NODATA, or a DnsFailure for anything else. */
async function query(run: () => Promise<string[]>, what: string, timeoutMs: number): Promise<string[]> {
  try {
    return await run();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (MISSING.has(code)) return [];
    throw new DnsFailure(`${explain(code, timeoutMs)} (${what}: ${code || (e as Error).message})`);
  }
}

function explain(code: string, timeoutMs: number): string {
  switch (code) {
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return `no answer from DNS within ${timeoutMs} ms`;
    case 'ESERVFAIL':
      return 'the DNS server could not answer (SERVFAIL)';
    case 'EREFUSED':
      return 'the DNS server refused the query';
    case 'ECONNREFUSED':
      return 'could not reach the DNS server';
    default:
      return 'DNS lookup failed';
  }
}

/**
 * Checks that `hostname` reaches `target`: its CNAME (followed up to 5 steps) is the target,
 * or all its A/AAAA addresses are among the target's. Never throws.
 */
export async function checkDomainDns(hostname: string, target: string, opts: DnsCheckOptions = {}): Promise<DnsCheck> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  // A fresh resolver per check: no answer cached from the previous check (c-ares caches by TTL).
  const resolver = new Resolver({ timeout: Math.max(50, Math.floor(timeoutMs / 4)), tries: 2 });
  if (opts.servers?.length) resolver.setServers(opts.servers);
  // c-ares retries per server; the deadline bounds the whole check whatever the servers do.
  const deadline = setTimeout(() => resolver.cancel(), timeoutMs);
  try {
    return await check(resolver, canonical(hostname), canonical(target), timeoutMs);
  } catch (e) {
    if (e instanceof DnsFailure) return { ok: false, reason: 'dns_error', found: [], detail: e.message };
    throw e;
  } finally {
    clearTimeout(deadline);
  }
}

async function check(resolver: Resolver, hostname: string, target: string, timeoutMs: number): Promise<DnsCheck> {
  const ask = (run: () => Promise<string[]>, what: string) => query(run, what, timeoutMs);

  const chain: string[] = [];
  let name = hostname;
  for (let step = 0; step < MAX_CHAIN; step++) {
    const [next] = await ask(() => resolver.resolveCname(name), `CNAME ${name}`);
    if (!next) break;
    const to = canonical(next);
    if (to === target) return { ok: true, via: 'cname' };
    if (chain.includes(to) || to === hostname) break; // a loop
    chain.push(to);
    name = to;
  }

  // The resolver follows any CNAMEs itself, so these are the addresses visitors reach.
  const own = (
    await Promise.all([
      ask(() => resolver.resolve4(hostname), `A ${hostname}`),
      ask(() => resolver.resolve6(hostname), `AAAA ${hostname}`),
    ])
  ).flat();
  if (own.length === 0) {
    return chain.length ? { ok: false, reason: 'points_elsewhere', found: chain } : { ok: false, reason: 'no_record', found: [] };
  }
  const targets = new Set(
    (
      await Promise.all([
        ask(() => resolver.resolve4(target), `A ${target}`),
        ask(() => resolver.resolve6(target), `AAAA ${target}`),
      ])
    )
      .flat()
      .map((a) => a.toLowerCase()),
  );
  if (targets.size > 0 && own.every((a) => targets.has(a.toLowerCase()))) return { ok: true, via: 'address' };
  return {
    ok: false,
    reason: 'points_elsewhere',
    found: chain.length ? chain : own,
    ...(targets.size === 0 ? { detail: `${target} has no address to compare with` } : {}),
  };
}

/** Characters that end a host in a URL (`/`, `:`, `?` …) or never belong in one. */
const NOT_A_NAME = /[\s/\\:*@?#%[\]<>^|"'`{}!$&()+,;=~\u0000-\u001f\u007f]/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A domain an admin typed, as Portico stores it: lower-case ASCII (IDNs as punycode),
 * no trailing dot. Null for anything that is not a plain host name of two labels or more:
 * IP addresses, localhost, wildcards, ports, schemes, paths.
 */
export function normaliseHostname(input: string): string | null {
  let text = input.trim();
  if (text === '' || NOT_A_NAME.test(text)) return null;
  if (text.endsWith('.')) text = text.slice(0, -1);
  // domainToASCII also maps what IDNA maps (fullwidth letters, the ideographic full stop).
  const ascii = domainToASCII(text);
  if (ascii === '' || isIP(ascii) || isIP(text)) return null;
  if (ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // A name ending in a number is an IPv4 address to URL parsers ("1.2.3" → 1.2.0.3).
  if (/^(?:\d+|0x[0-9a-f]*)$/.test(labels.at(-1)!)) return null;
  if (labels.at(-1) === 'localhost') return null;
  return ascii;
}
