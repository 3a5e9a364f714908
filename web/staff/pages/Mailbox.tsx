import { Fragment, useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { MailDetail, MailSummary } from '../../../contracts/auth.ts';
import { fullTime } from '../../ui/format.ts';
import { ErrorAlert, Loading, PageHeading, Pagination, TimeAgo, isForbidden, isNotFound } from '../components.tsx';
import { useLoad, usePageTitle } from '../hooks.ts';
import { errorMessage, staffApi } from '../http.ts';
import { useSession } from '../session.tsx';

type MailStatus = MailSummary['status'];
type MailPage = { items: MailSummary[]; page: number; pageSize: number; total: number };

const STATUS_LABEL: Record<MailStatus, string> = {
  queued: 'Queued',
  sent: 'Sent',
  stored: 'Kept (no SMTP)',
  failed: 'Failed',
};
const STATUS_MARK: Record<MailStatus, string> = { queued: '○', sent: '✓', stored: '■', failed: '!' };

const FILTERS: { value: '' | MailStatus; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'queued', label: 'Queued' },
  { value: 'sent', label: 'Sent' },
  { value: 'stored', label: 'Kept here (stored)' },
  { value: 'failed', label: 'Failed' },
];

const STORED_NOTE = 'No SMTP server is configured (set SMTP_URL), so mail is kept here. Open a message to use its links.';

export function MailStatusBadge({ status }: { status: MailStatus }) {
  return (
    <span className={`badge badge-mail-${status}`}>
      <span aria-hidden="true" className="badge-mark">
        {STATUS_MARK[status]}
      </span>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}

function parseStatus(raw: string | null): '' | MailStatus {
  return raw === 'queued' || raw === 'sent' || raw === 'stored' || raw === 'failed' ? raw : '';
}

function listUrl(status: string, page: number): string {
  const p = new URLSearchParams();
  if (status) p.set('status', status);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/mailbox?${s}` : '/mailbox';
}

export function MailboxPage() {
  const { staff } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const status = parseStatus(params.get('status'));
  const pageParam = Number(params.get('page') ?? '1');
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const filterLabel = FILTERS.find((f) => f.value === status)?.label ?? 'All';
  usePageTitle(`Mailbox${status ? ` – ${filterLabel}` : ''}${page > 1 ? ` (page ${page})` : ''}`);
  const isAdmin = staff.role === 'admin';
  const api = `/mail?${new URLSearchParams({ ...(status ? { status } : {}), page: String(page) }).toString()}`;
  const list = useLoad<MailPage>(isAdmin ? api : null);
  const data = list.data;
  // Mail is queued by a job a moment after the action that sends it: keep the list current
  // while it is on screen (an admin waiting for a sign-in link sees it arrive).
  const { reload } = list;
  useEffect(() => {
    if (!isAdmin) return;
    const t = setInterval(() => document.visibilityState === 'visible' && reload(), 3000);
    return () => clearInterval(t);
  }, [isAdmin, reload]);

  const openRow = (e: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((e.target as HTMLElement).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    navigate(`/mailbox/${id}`);
  };

  if (!isAdmin || isForbidden(list.error)) {
    return (
      <div className="page">
        <div className="page-head">
          <PageHeading>Mailbox</PageHeading>
        </div>
        <div className="alert alert-info">Only admins can see the mail the workspace sends.</div>
      </div>
    );
  }

  const anyStored = status === 'stored' || !!data?.items.some((m) => m.status === 'stored');
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const first = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <div className="page page-wide mailbox-page">
      <div className="page-head">
        <PageHeading>Mailbox</PageHeading>
      </div>
      <p className="muted page-intro">Every email the workspace sends: sign-in links, invitations and ticket notifications, newest first.</p>
      {anyStored && <div className="alert alert-info">{STORED_NOTE}</div>}
      <nav aria-label="Filter by status" className="filter-tabs">
        {FILTERS.map((f) => (
          <Link key={f.value || 'all'} to={listUrl(f.value, 1)} className="view-tab" aria-current={f.value === status ? 'page' : undefined}>
            {f.label}
          </Link>
        ))}
      </nav>
      {!data ? (
        list.error ? (
          <div>
            <ErrorAlert error={list.error} />
            <button type="button" className="btn" onClick={list.reload}>
              Try again
            </button>
          </div>
        ) : (
          <Loading what="mail" />
        )
      ) : (
        <div className="results">
          {list.error ? <ErrorAlert error={list.error} /> : null}
          <p className="result-count" role="status">
            {data.total === 0 ? 'No messages' : `${first}–${last} of ${data.total} message${data.total === 1 ? '' : 's'}`}
          </p>
          {data.items.length === 0 ? (
            <div className="empty card">
              <p>
                {data.total > 0
                  ? 'This page is empty.'
                  : status
                    ? `No messages with the status “${filterLabel}”.`
                    : 'No mail has been sent yet.'}
              </p>
            </div>
          ) : (
            <div className={`table-wrap card${list.loading ? ' is-loading' : ''}`} aria-busy={list.loading}>
              <table className="mail-table">
                <caption className="visually-hidden">Outgoing mail, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col" className="col-to">
                      To
                    </th>
                    <th scope="col" className="col-subject">
                      Subject
                    </th>
                    <th scope="col" className="col-status">
                      Status
                    </th>
                    <th scope="col" className="num col-attempts">
                      Attempts
                    </th>
                    <th scope="col" className="col-updated">
                      Created
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((m) => (
                    <tr key={m.id} className="queue-row" onClick={(e) => openRow(e, m.id)}>
                      <td className="col-to break">{m.to}</td>
                      <td className="col-subject">
                        <Link to={`/mailbox/${m.id}`} className="subject-link">
                          {m.subject || '(no subject)'}
                        </Link>
                        <span className="row-meta">
                          <MailStatusBadge status={m.status} /> To {m.to} · <TimeAgo iso={m.createdAt} />
                          {m.attempts > 1 ? ` · ${m.attempts} attempts` : ''}
                        </span>
                      </td>
                      <td className="col-status">
                        <MailStatusBadge status={m.status} />
                      </td>
                      <td className="num col-attempts">{m.attempts}</td>
                      <td className="col-updated">
                        <TimeAgo iso={m.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination page={data.page} pages={pages} href={(n) => listUrl(status, n)} />
        </div>
      )}
    </div>
  );
}

const URL_RE = /https?:\/\/[^\s<>"'`]+/g;

/** The text with every http(s) address as a real link; everything else stays text. */
export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    let url = m[0];
    // Sentence punctuation after an address is not part of it ("… at https://x.y/a.").
    while (/[.,;:!?)\]}>]$/.test(url)) {
      const ch = url[url.length - 1];
      if (ch === ')' && (url.match(/\(/g)?.length ?? 0) >= (url.match(/\)/g)?.length ?? 0)) break;
      url = url.slice(0, -1);
    }
    let valid = false;
    try {
      const u = new URL(url);
      valid = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      valid = false;
    }
    if (!valid) continue;
    if (start > last) out.push(<Fragment key={`t${last}`}>{text.slice(last, start)}</Fragment>);
    out.push(
      <a key={`a${start}`} href={url} target="_blank" rel="noreferrer" className="mail-link">
        {url}
        <span className="visually-hidden"> (opens in a new tab)</span>
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) out.push(<Fragment key={`t${last}`}>{text.slice(last)}</Fragment>);
  return out;
}

/** A fresh page per message, so a resend that creates a new message starts clean. */
export function MailDetailRoute() {
  const { id = '' } = useParams();
  return <MailDetailPage key={id} id={id} />;
}

function MailDetailPage({ id }: { id: string }) {
  const { staff } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const validId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const mail = useLoad<MailDetail>(staff.role === 'admin' && validId ? `/mail/${id}` : null);
  const m = mail.data;
  const missing = !validId || isNotFound(mail.error);
  usePageTitle(m ? m.subject || 'Message' : missing ? 'Message not found' : 'Message');
  const polls = useRef(0);
  const { reload } = mail;

  // A queued message is sent within seconds by the mail job: follow it until it settles.
  useEffect(() => {
    if (m?.status !== 'queued' || polls.current >= 30) return;
    const t = window.setTimeout(() => {
      polls.current++;
      reload();
    }, 2000);
    return () => window.clearTimeout(t);
  }, [m, reload]);

  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(
    (location.state as { resent?: string } | null)?.resent ? { ok: true, text: (location.state as { resent: string }).resent } : null,
  );

  const back = (
    <Link to="/mailbox" className="back-link">
      <span aria-hidden="true">← </span>Mailbox
    </Link>
  );

  if (staff.role !== 'admin' || isForbidden(mail.error)) {
    return (
      <div className="page">
        <PageHeading>Message</PageHeading>
        <div className="alert alert-info">Only admins can see the mail the workspace sends.</div>
      </div>
    );
  }

  if (!m) {
    return (
      <div className="page">
        {back}
        <PageHeading>{missing ? 'Message not found' : 'Message'}</PageHeading>
        {missing ? (
          <p>There is no such message in the mailbox.</p>
        ) : mail.error ? (
          <>
            <ErrorAlert error={mail.error} />
            <button type="button" className="btn" onClick={mail.reload}>
              Try again
            </button>
          </>
        ) : (
          <Loading what="message" />
        )}
      </div>
    );
  }

  async function resend() {
    if (!m) return;
    setBusy(true);
    setResult(null);
    try {
      const next = await staffApi<MailDetail>(`/mail/${m.id}/resend`, { method: 'POST' });
      const text =
        next.status === 'sent'
          ? `Sent again to ${next.to}.`
          : next.status === 'stored'
            ? 'Kept here again: no SMTP server is configured.'
            : next.status === 'failed'
              ? 'Sending failed again. See the last error above.'
              : `Queued to be sent again to ${next.to}.`;
      if (next.id !== m.id) {
        navigate(`/mailbox/${next.id}`, { state: { resent: text } });
      } else {
        polls.current = 0;
        mail.setData(next);
        setResult({ ok: next.status !== 'failed', text });
      }
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  // A delivered message keeps no sign-in tokens (the server removes them), so only failed or kept mail can go again.
  const canResend = m.status === 'failed' || m.status === 'stored';

  return (
    <div className="page mail-detail">
      {back}
      <div className="page-head">
        <PageHeading className="break">{m.subject || '(no subject)'}</PageHeading>
        {canResend && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void resend()}>
            {busy ? 'Resending…' : 'Resend'}
          </button>
        )}
      </div>
      <div role="status" className="status-slot">
        {result?.ok && <div className="alert alert-success">{result.text}</div>}
      </div>
      {result && !result.ok && (
        <div className="alert alert-error" role="alert">
          {result.text}
        </div>
      )}
      {m.status === 'stored' && <div className="alert alert-info">{STORED_NOTE}</div>}
      <section className="card mail-headers" aria-label="Message details">
        <dl className="detail-list detail-grid">
          <div>
            <dt>To</dt>
            <dd className="break">{m.to}</dd>
          </div>
          <div>
            <dt>Subject</dt>
            <dd className="break">{m.subject || '(no subject)'}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <MailStatusBadge status={m.status} />
            </dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd>{m.attempts}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              {fullTime(m.createdAt)} <span className="muted">(<TimeAgo iso={m.createdAt} />)</span>
            </dd>
          </div>
          <div>
            <dt>{m.status === 'stored' ? 'Kept here' : 'Delivered'}</dt>
            <dd>{m.deliveredAt ? fullTime(m.deliveredAt) : <span className="muted">Not yet</span>}</dd>
          </div>
          {m.template && (
            <div>
              <dt>Kind</dt>
              <dd className="mono small">{m.template}</dd>
            </div>
          )}
          {m.lastError && (
            <div className="detail-wide">
              <dt>Last error</dt>
              <dd className="error-text break">{m.lastError}</dd>
            </div>
          )}
        </dl>
      </section>
      <section className="section" aria-labelledby="body-heading">
        <h2 id="body-heading" className="section-title">
          Message
        </h2>
        <div className="card mail-body">{m.text ? linkify(m.text) : <span className="muted">This message has no plain-text part.</span>}</div>
      </section>
    </div>
  );
}
