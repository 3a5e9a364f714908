import { useEffect, useRef, useState } from 'react';
import type { PortalLinkInfo } from '../../../../contracts/auth.ts';
import type { StaffTicket } from '../../../../contracts/tickets.ts';
import { fullTime } from '../../../ui/format.ts';
import { TimeAgo } from '../../components.tsx';
import { useLoad } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';

type Links = { items: PortalLinkInfo[] };

const STATUS_LABEL: Record<PortalLinkInfo['status'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

/** "Chrome on Windows" from a user agent string; the raw string when nothing matches. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|Chromium\/|CriOS\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /curl\//i.test(ua)
              ? 'curl'
              : '';
  const os = /iPhone|iPad|iPod/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : '';
  if (browser && os) return `${browser} on ${os}`;
  return browser || os || ua;
}

/** Sign-in links for the requester that open this ticket directly, with where they were used. */
export function PortalLinks({ ticket }: { ticket: StaffTicket }) {
  const links = useLoad<Links>(`/tickets/${ticket.number}/portal-links`);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  /** After "Cancel", the Revoke button it replaced takes the focus back. */
  const [returnFocus, setReturnFocus] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [showAll, setShowAll] = useState(false);
  const disabled = links.error instanceof ApiError && links.error.code === 'sign_in_method_disabled';

  async function send() {
    setBusy(true);
    setMessage(null);
    try {
      const res = await staffApi<Links>(`/tickets/${ticket.number}/portal-links`, { method: 'POST' });
      links.setData(res);
      setMessage({ ok: true, text: `Sent to ${ticket.requester.email}` });
    } catch (err) {
      setMessage({
        ok: false,
        text:
          err instanceof ApiError && err.code === 'sign_in_method_disabled'
            ? `${err.message} Portal access links can be switched on in Settings, under Customer sign-in.`
            : errorMessage(err),
      });
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setRevoking(id);
    setMessage(null);
    try {
      const res = await staffApi<Links>(`/portal-links/${id}/revoke`, { method: 'POST' });
      links.setData(res);
      setConfirming(null);
      setMessage({ ok: true, text: 'Link revoked. It no longer signs anyone in.' });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setRevoking(null);
    }
  }

  const items = [...(links.data?.items ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const SHOWN = 3;
  const visible = showAll ? items : items.slice(0, SHOWN);

  return (
    <section className="portal-links" aria-labelledby="portal-links-heading">
      <h3 id="portal-links-heading" className="prop-heading">
        Portal links
      </h3>
      {disabled ? (
        <p className="side-note">
          {(links.error as ApiError).message} Portal access links can be switched on in Settings, under Customer sign-in.
        </p>
      ) : (
        <>
          <p className="muted small plinks-hint">
            Emails {ticket.requester.name} a link that signs them in to the portal and opens this ticket, without a password.
          </p>
          <button type="button" className="btn btn-small btn-block" disabled={busy} onClick={() => void send()}>
            {busy ? 'Sending…' : 'Send portal link'}
          </button>
        </>
      )}
      <div role="status" className="status-slot">
        {message?.ok && <p className="plink-ok">{message.text}</p>}
      </div>
      {message && !message.ok && (
        <p className="prop-error" role="alert">
          {message.text}
        </p>
      )}
      {!links.data ? (
        links.error && !disabled ? (
          <p className="prop-error">
            {errorMessage(links.error)}{' '}
            <button type="button" className="link-button" onClick={links.reload}>
              Try again
            </button>
          </p>
        ) : !disabled ? (
          <p className="muted small">Loading links…</p>
        ) : null
      ) : items.length === 0 ? (
        <p className="muted small">No links sent for this ticket yet.</p>
      ) : (
        <>
          <ul className="plink-list">
            {visible.map((l) => (
              <li key={l.id} className={`plink plink-${l.status}`}>
                <div className="plink-head">
                  <span className={`badge badge-link-${l.status}`}>{STATUS_LABEL[l.status] ?? l.status}</span>
                  {l.contact.email !== ticket.requester.email && (
                    <span className="plink-for">
                      to <span className="break">{l.contact.email}</span>
                    </span>
                  )}
                </div>
                <p className="plink-meta">
                  Sent <TimeAgo iso={l.createdAt} />
                  {l.createdBy ? ` by ${l.createdBy}` : ''}
                </p>
                <p className="plink-meta">
                  {l.status === 'revoked' && l.revokedAt ? (
                    <>Revoked {fullTime(l.revokedAt)}</>
                  ) : (
                    <>
                      {l.status === 'expired' ? 'Expired' : 'Expires'} {fullTime(l.expiresAt)}
                    </>
                  )}
                </p>
                <div className="plink-actions">
                  {l.uses.length === 0 ? (
                    <span className="muted small">{l.status === 'active' ? 'Not used yet' : 'Never used'}</span>
                  ) : (
                    <button
                      type="button"
                      className="link-button small"
                      aria-expanded={!!open[l.id]}
                      aria-controls={`plink-uses-${l.id}`}
                      onClick={() => setOpen((o) => ({ ...o, [l.id]: !o[l.id] }))}
                    >
                      <span aria-hidden="true">{open[l.id] ? '▾ ' : '▸ '}</span>
                      Used {l.uses.length} time{l.uses.length === 1 ? '' : 's'}
                    </button>
                  )}
                  {l.status === 'active' && confirming !== l.id && (
                    <button
                      type="button"
                      className="link-button small danger-link"
                      autoFocus={returnFocus === l.id}
                      onClick={() => setConfirming(l.id)}
                    >
                      Revoke<span className="visually-hidden"> the link sent {fullTime(l.createdAt)}</span>
                    </button>
                  )}
                </div>
                {l.uses.length > 0 && (
                  <ul className="plink-uses" id={`plink-uses-${l.id}`} hidden={!open[l.id]}>
                    {[...l.uses]
                      .sort((a, b) => b.usedAt.localeCompare(a.usedAt))
                      .map((u, i) => (
                        <li key={`${u.usedAt}-${i}`}>
                          <span className="plink-use-time">{fullTime(u.usedAt)}</span>
                          <span>
                            {describeUserAgent(u.userAgent)}
                            {u.ip ? ` · ${u.ip}` : ''}
                          </span>
                          {u.userAgent && <span className="plink-ua">{u.userAgent}</span>}
                        </li>
                      ))}
                  </ul>
                )}
                {confirming === l.id && (
                  <RevokeConfirm
                    busy={revoking === l.id}
                    onRevoke={() => void revoke(l.id)}
                    onCancel={() => {
                      setReturnFocus(l.id);
                      setConfirming(null);
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
          {items.length > SHOWN && (
            <button type="button" className="link-button small plink-more" aria-expanded={showAll} onClick={() => setShowAll((v) => !v)}>
              {showAll ? 'Show only the newest links' : `Show ${items.length - SHOWN} older link${items.length - SHOWN === 1 ? '' : 's'}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The confirmation appears where the Revoke button was, and takes the focus. */
function RevokeConfirm({ busy, onRevoke, onCancel }: { busy: boolean; onRevoke: () => void; onCancel: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
  }, []);
  return (
    <div className="plink-confirm" role="group" aria-label="Confirm revoking">
      <p>Revoke this link? It stops working at once; the requester can still sign in other ways.</p>
      <div className="plink-confirm-actions">
        <button ref={button} type="button" className="btn btn-small btn-danger-solid" disabled={busy} onClick={onRevoke}>
          Revoke link
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
