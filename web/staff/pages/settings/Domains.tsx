/**
 * Settings → Custom domains (`/settings/domains`, `?client=<id>` preselects a client's
 * portal): each domain with whose portal it serves, its state, what is wrong and the DNS
 * record to create; "Check again" and "Remove"; a form to add one. While a domain is on its
 * way (DNS, certificate) the list refreshes every 10 seconds.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { DOMAIN_STATE_LABELS, type DomainState } from '../../../../contracts/constants.ts';
import type { CustomDomain } from '../../../../contracts/domains.ts';
import { ErrorAlert, Field, Loading, PageHeading, isForbidden } from '../../components.tsx';
import { useClients } from '../../directory.ts';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { useSession } from '../../session.tsx';
import { SettingsTabs, clientParam } from './SettingsTabs.tsx';

type DomainList = { items: CustomDomain[]; cnameTarget: string };

const IN_PROGRESS: DomainState[] = ['pending_dns', 'dns_verified', 'issuing'];
const REFRESH_MS = 10_000;

const STATE_MARK: Record<DomainState, string> = { pending_dns: '◔', dns_verified: '◑', issuing: '◕', active: '●', failed: '✕' };

export function DomainStateBadge({ state }: { state: DomainState }) {
  return (
    <span className={`badge domain-state domain-state-${state}`}>
      <span aria-hidden="true" className="badge-mark">
        {STATE_MARK[state]}
      </span>
      {DOMAIN_STATE_LABELS[state]}
    </span>
  );
}

/** "14:05" today, "Mon 23 Nov, 14:05" on another day. */
export function clockTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}, ${time}`;
}

const portalName = (d: CustomDomain) => (d.client ? d.client.name : 'Workspace portal');

export function DomainsPage() {
  usePageTitle('Settings – Custom domains');
  const { staff } = useSession();
  const isAdmin = staff.role === 'admin';
  const [params] = useSearchParams();
  const preselect = clientParam(params);
  const list = useLoad<DomainList>(isAdmin ? '/domains' : null);
  const [notice, setNotice] = useState('');
  const [focusId, setFocusId] = useState<string | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const items = list.data?.items;
  const inProgress = !!items?.some((d) => IN_PROGRESS.includes(d.state));
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);

  // While a domain is on its way, look again every 10 s (not while the tab is hidden).
  useEffect(() => {
    if (!inProgress) return;
    const t = window.setInterval(() => {
      if (!document.hidden) list.reload();
    }, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [inProgress, list.reload]);
  useEffect(() => {
    if (list.data && !list.loading) setRefreshedAt(new Date());
  }, [list.data, list.loading]);

  const replace = (d: CustomDomain) => list.data && list.setData({ ...list.data, items: list.data.items.map((x) => (x.id === d.id ? d : x)) });

  return (
    <div className="page domains-page">
      <div className="page-head">
        <PageHeading>Settings</PageHeading>
      </div>
      {isAdmin && <SettingsTabs />}
      {!isAdmin || isForbidden(list.error) ? (
        <div className="alert alert-info">Only admins can manage custom domains. Ask an admin of your workspace.</div>
      ) : !list.data ? (
        list.error ? (
          <>
            <ErrorAlert error={list.error} />
            <button type="button" className="btn" onClick={list.reload}>
              Try again
            </button>
          </>
        ) : (
          <Loading what="custom domains" />
        )
      ) : (
        <>
          <p className="page-intro muted">
            Let customers reach the portal at an address of their own, such as <span className="mono">support.harbordental.com</span>. Each
            portal (the workspace’s, or one client’s) can have one custom domain. HTTPS certificates are issued and renewed automatically.
          </p>
          <div role="status" className="status-slot">
            {notice && <div className="alert alert-success">{notice}</div>}
          </div>
          <section className="section" aria-labelledby="domains-list-title">
            <div className="domains-list-head">
              <h2 className="section-title" id="domains-list-title" ref={listHeading} tabIndex={-1}>
                Domains <span className="count">({list.data.items.length})</span>
              </h2>
              {inProgress && refreshedAt && (
                <p className="small muted domains-refresh">
                  <span className="brand-spinner" aria-hidden="true" /> Refreshing every 10 seconds · updated{' '}
                  {refreshedAt.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
                </p>
              )}
            </div>
            {list.data.items.length === 0 ? (
              <p className="empty card">No custom domains yet. The portal is at its standard address; add a domain below.</p>
            ) : (
              <ul className="domain-cards">
                {list.data.items.map((d) => (
                  <DomainCard
                    key={d.id}
                    domain={d}
                    focus={focusId === d.id}
                    onFocused={() => setFocusId(null)}
                    onChanged={(next) => {
                      replace(next);
                      setNotice('');
                    }}
                    onRemoved={() => {
                      if (list.data) list.setData({ ...list.data, items: list.data.items.filter((x) => x.id !== d.id) });
                      setNotice(`${d.hostname} was removed. ${portalName(d)} is served at its standard address only.`);
                      listHeading.current?.focus();
                    }}
                  />
                ))}
              </ul>
            )}
          </section>
          <AddDomain
            key={preselect ?? 'workspace'}
            domains={list.data.items}
            cnameTarget={list.data.cnameTarget}
            preselect={preselect}
            onAdded={(d) => {
              if (list.data) list.setData({ ...list.data, items: [...list.data.items, d] });
              setNotice(`${d.hostname} was added for ${portalName(d)}. Now create the DNS record shown for it; we check it every few minutes.`);
              setFocusId(d.id);
            }}
          />
        </>
      )}
    </div>
  );
}

function DomainCard({
  domain: d,
  focus,
  onFocused,
  onChanged,
  onRemoved,
}: {
  domain: CustomDomain;
  focus: boolean;
  onFocused: () => void;
  onChanged: (d: CustomDomain) => void;
  onRemoved: () => void;
}) {
  const [busy, setBusy] = useState<'check' | 'remove' | null>(null);
  const [error, setError] = useState('');
  /** "Check again" was chosen: said until the next look at the domain (a refresh) comes in. */
  const [checked, setChecked] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const active = d.state === 'active';
  const headingId = `domain-${d.id}`;

  useEffect(() => {
    if (!focus) return;
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
    onFocused();
  }, [focus]);
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  async function checkAgain() {
    if (busy) return;
    setBusy('check');
    setError('');
    try {
      const next = await staffApi<CustomDomain>(`/domains/${d.id}/check`, { method: 'POST' });
      onChanged(next);
      setChecked(next.checks);
    } catch (err) {
      setError(`Could not check again: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    if (busy) return;
    setBusy('remove');
    setError('');
    try {
      await staffApi(`/domains/${d.id}`, { method: 'DELETE' });
      onRemoved();
    } catch (err) {
      setBusy(null);
      setConfirming(false);
      setError(`Not removed: ${errorMessage(err)}`);
    }
  }

  return (
    <li className={`card domain-card domain-card-${d.state}`} aria-labelledby={headingId}>
      <div className="domain-head">
        <div className="domain-title">
          <h3 className="domain-host" id={headingId} ref={heading} tabIndex={-1}>
            {active ? (
              <a href={d.url} target="_blank" rel="noopener" className="break">
                {d.hostname}
                <span className="visually-hidden"> (opens in a new tab)</span>
                <span aria-hidden="true"> ↗</span>
              </a>
            ) : (
              <span className="break">{d.hostname}</span>
            )}
          </h3>
          <p className="domain-portal small muted">
            {d.client ? (
              <>
                Portal of <span className="strong">{d.client.name}</span>
              </>
            ) : (
              <span className="strong">Workspace portal</span>
            )}
          </p>
        </div>
        <DomainStateBadge state={d.state} />
      </div>

      {d.reason && (
        <p className={`domain-reason ${d.state === 'failed' ? 'domain-reason-failed' : ''}`}>
          <span aria-hidden="true">{d.state === 'failed' ? '✕ ' : 'ℹ '}</span>
          {d.reason}
        </p>
      )}

      <Progress domain={d} />

      {!active && <DnsRecord domain={d} />}

      {error && (
        <p className="prop-error" role="alert">
          {error}
        </p>
      )}
      <div role="status" className="domain-checked small">
        {checked === d.checks && !busy && !error && 'Asked for a new check. The result shows here within a few seconds.'}
      </div>

      {confirming ? (
        <div className="plink-confirm domain-confirm" role="group" aria-label={`Remove ${d.hostname}?`}>
          <p>
            Remove <span className="strong">{d.hostname}</span>? {active ? 'The portal stops answering at this address at once' : 'Checks stop'}, and
            its certificate is deleted. You can add it again later.
          </p>
          <div className="plink-confirm-actions">
            <button type="button" className="btn btn-small btn-danger-solid" aria-disabled={busy !== null || undefined} onClick={() => void remove()}>
              {busy === 'remove' ? 'Removing…' : 'Remove domain'}
            </button>
            <button
              type="button"
              ref={cancel}
              className="btn btn-small"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => removeButton.current?.focus());
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="domain-actions">
          {!active && (
            <button type="button" className="btn btn-small" aria-disabled={busy !== null || undefined} onClick={() => void checkAgain()}>
              {busy === 'check' ? 'Checking…' : 'Check again'}
              <span className="visually-hidden"> {d.hostname}</span>
            </button>
          )}
          <button type="button" ref={removeButton} className="btn btn-small btn-danger" onClick={() => setConfirming(true)}>
            Remove<span className="visually-hidden"> {d.hostname}</span>
          </button>
        </div>
      )}
    </li>
  );
}

/** Where the domain stands in time: checks made, the next one, until when, the certificate. */
function Progress({ domain: d }: { domain: CustomDomain }) {
  const now = new Date();
  const parts: string[] = [];
  if (d.state === 'active') {
    if (d.activeSince) parts.push(`Active since ${clockTime(d.activeSince, now)}`);
    if (d.certificateExpiresAt) parts.push(`certificate valid until ${clockTime(d.certificateExpiresAt, now)}, renewed automatically`);
  } else {
    if (d.checks > 0) parts.push(`Checked ${d.checks === 1 ? 'once' : `${d.checks} times`}`);
    if (d.nextCheckAt) parts.push(new Date(d.nextCheckAt).getTime() <= now.getTime() + 2000 ? 'Checking now…' : `Next check at ${clockTime(d.nextCheckAt, now)}`);
    else if (d.state === 'failed') parts.push('Checks have stopped: fix what is described above, then choose “Check again”');
    if (d.checkUntil) parts.push(`Keeps checking until ${clockTime(d.checkUntil, now)}`);
  }
  if (d.dnsFound.length && d.state !== 'active') parts.push(`DNS now points to ${d.dnsFound.join(', ')}`);
  if (!parts.length) return null;
  return <p className="domain-progress small">{parts.join(' · ')}</p>;
}

function DnsRecord({ domain: d }: { domain: CustomDomain }) {
  const [copied, setCopied] = useState('');
  const first = d.record.name.split('.')[0];
  async function copy(what: 'Name' | 'Value', text: string, el: HTMLElement | null) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`${what} copied to the clipboard.`);
    } catch {
      // No clipboard here (an insecure address, a refused permission): select it to copy by hand.
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      }
      setCopied(`Copying did not work here: the ${what.toLowerCase()} is selected, press Ctrl+C (⌘C on a Mac).`);
    }
  }
  const nameRef = useRef<HTMLElement>(null);
  const valueRef = useRef<HTMLElement>(null);
  return (
    <div className="dns-record">
      <p className="dns-record-title small">
        <span className="strong">Create this DNS record</span> where the domain is managed:
      </p>
      <dl className="dns-record-fields">
        <div>
          <dt>Type</dt>
          <dd>
            <code>{d.record.type}</code>
          </dd>
        </div>
        <div>
          <dt>Name</dt>
          <dd>
            <code ref={nameRef} className="break">
              {d.record.name}
            </code>
            <button type="button" className="btn btn-small dns-copy" onClick={() => void copy('Name', d.record.name, nameRef.current)}>
              Copy<span className="visually-hidden"> name</span>
            </button>
          </dd>
        </div>
        <div>
          <dt>Value</dt>
          <dd>
            <code ref={valueRef} className="break">
              {d.record.value}
            </code>
            <button type="button" className="btn btn-small dns-copy" onClick={() => void copy('Value', d.record.value, valueRef.current)}>
              Copy<span className="visually-hidden"> value</span>
            </button>
          </dd>
        </div>
      </dl>
      <p className="small muted dns-record-hint">
        Some DNS providers want only the first part of the name (<span className="mono">{first}</span>). Changes can take a few minutes, rarely up to 48
        hours, to be seen.
      </p>
      <p role="status" className="small dns-copied">
        {copied}
      </p>
    </div>
  );
}

function AddDomain({
  domains,
  cnameTarget,
  preselect,
  onAdded,
}: {
  domains: CustomDomain[];
  cnameTarget: string;
  preselect: string | null;
  onAdded: (d: CustomDomain) => void;
}) {
  const clients = useClients();
  const [hostname, setHostname] = useState('');
  const [portal, setPortal] = useState(preselect ?? '');
  const [errors, setErrors] = useState<{ hostname?: string; portal?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const hostRef = useRef<HTMLInputElement>(null);
  const portalRef = useRef<HTMLSelectElement>(null);
  const taken = (clientId: string | null) => domains.find((d) => (d.client?.id ?? null) === clientId);
  const existing = taken(portal || null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const host = hostname.trim();
    if (!host) {
      setErrors({ hostname: 'Enter the domain, such as support.example.com' });
      hostRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const added = await staffApi<CustomDomain>('/domains', { method: 'POST', body: { hostname: host, clientId: portal || null } });
      setHostname('');
      // That portal has its domain now: offer the next one without a domain.
      const used = new Set([...domains.map((d) => d.client?.id ?? ''), added.client?.id ?? '']);
      setPortal(['', ...(clients ?? []).map((c) => c.id)].find((id) => !used.has(id)) ?? '');
      onAdded(added);
    } catch (err) {
      if (err instanceof ApiError && (err.is('domain_invalid') || err.is('domain_taken') || err.field('hostname'))) {
        setErrors({ hostname: err.field('hostname') ?? err.message });
        hostRef.current?.focus();
      } else if (err instanceof ApiError && err.field('clientId')) {
        setErrors({ portal: err.field('clientId') });
        portalRef.current?.focus();
      } else {
        setErrors({ form: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form-card section" aria-labelledby="domain-add-title">
      <h2 id="domain-add-title" className="section-title">
        Add a domain
      </h2>
      <p className="muted small">
        Use a domain you manage, usually a subdomain such as <span className="mono">support.</span>… After adding it you create one DNS
        record (a CNAME to <span className="mono">{cnameTarget}</span>); we check for it and then set up HTTPS by ourselves.
      </p>
      <ErrorAlert error={errors.form} />
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid">
        <Field id="domain-host" label="Domain" error={errors.hostname} hint="Without https:// and without a path.">
          {(aria) => (
            <input
              {...aria}
              ref={hostRef}
              value={hostname}
              inputMode="url"
              autoCapitalize="off"
              autoComplete="off"
              spellCheck={false}
              placeholder="support.example.com"
              maxLength={300}
              onChange={(e) => {
                setHostname(e.target.value);
                if (errors.hostname) setErrors((x) => ({ ...x, hostname: undefined }));
              }}
            />
          )}
        </Field>
        <Field
          id="domain-portal"
          label="Portal"
          error={errors.portal}
          hint={existing ? `${existing.client ? existing.client.name : 'The workspace portal'} already has ${existing.hostname}: remove it first to use another.` : 'Whose portal this address opens.'}
        >
          {(aria) => (
            <select {...aria} ref={portalRef} value={portal} onChange={(e) => setPortal(e.target.value)}>
              <option value="">Workspace portal (all clients){taken(null) ? ' – has a domain' : ''}</option>
              <optgroup label="One client’s portal">
                {clients?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                    {taken(c.id) ? ' – has a domain' : ''}
                  </option>
                ))}
              </optgroup>
            </select>
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" aria-disabled={busy || undefined}>
            {busy ? 'Adding…' : 'Add domain'}
          </button>
        </div>
      </form>
    </section>
  );
}
