import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { MfaStatus, SessionInfo } from '../../../contracts/auth.ts';
import { ApiError } from '../../ui/api.ts';
import { LoadFailed, PageHeading, Spinner, Time } from '../components/bits.tsx';
import { ErrorAlert, Field, isCode, messageOf, newPasswordPairProblems, NewPasswordFields, SubmitButton } from '../components/forms.tsx';
import { IdentityField, identityBody, identityProblem, MfaEnrol, RecoveryCodes, type Identity } from '../components/mfa.tsx';
import { useContact, usePageTitle, useSession } from '../session.tsx';

/** `/account`: two-step verification, password and the devices you are signed in on. */
export function AccountPage() {
  usePageTitle('Account');
  const contact = useContact();
  // Changing the password signs out the other devices: the list then reloads.
  const [sessionsVersion, setSessionsVersion] = useState(0);

  return (
    <div className="narrow account-page">
      <PageHeading>Account</PageHeading>
      <p className="page-intro">
        Signed in as <strong className="break">{contact.email}</strong> at {contact.client.name}.
      </p>
      <MfaSection />
      <PasswordSection onChanged={() => setSessionsVersion((v) => v + 1)} />
      <SessionsSection version={sessionsVersion} />
    </div>
  );
}

type Load<T> = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: T };

type MfaPanel = null | 'enrol' | 'disable' | 'regen' | { codes: string[]; after: 'enrol' | 'regen' };

function MfaSection() {
  const { request, workspace } = useSession();
  const [load, setLoad] = useState<Load<MfaStatus>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [panel, setPanel] = useState<MfaPanel>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sectionRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    request<MfaStatus>('/account/mfa')
      .then((data) => current && setLoad({ status: 'ready', data }))
      .catch((e: unknown) => current && setLoad({ status: 'failed', message: messageOf(e) }));
    return () => {
      current = false;
    };
  }, [request, attempt]);

  const openPanel = (to: MfaPanel) => {
    setMessage(null);
    setPanel(to);
  };

  const close = (msg: string | null) => {
    setPanel(null);
    setMessage(msg);
    setAttempt((a) => a + 1);
    requestAnimationFrame(() => sectionRef.current?.focus());
  };

  const status = load.status === 'ready' ? load.data : null;
  return (
    <section className="card account-section" aria-labelledby="mfa-title">
      <div className="section-head">
        <h2 id="mfa-title" className="section-title" ref={sectionRef} tabIndex={-1}>
          Two-step verification
        </h2>
        {status && (
          <span className={status.enabled ? 'badge badge-on' : 'badge badge-off'}>
            {status.enabled && <span aria-hidden="true">✓</span>}
            {status.enabled ? 'On' : 'Off'}
          </span>
        )}
      </div>
      {message && (
        <div className="alert alert-success" role="status">
          {message}
        </div>
      )}
      {load.status === 'loading' && !status && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {load.status === 'failed' && (
        <LoadFailed onRetry={() => setAttempt((a) => a + 1)}>{load.message}</LoadFailed>
      )}
      {status && typeof panel === 'object' && panel !== null && (
        <RecoveryCodes
          codes={panel.codes}
          onDone={() =>
            close(
              panel.after === 'enrol'
                ? 'Two-step verification is on. From now on you enter a code from your app when you sign in.'
                : 'Your new recovery codes are ready to use. The old ones no longer work.',
            )
          }
        />
      )}
      {status && !status.enabled && (panel === null || panel === 'enrol') && (
        <>
          <p className="section-text">
            Add a second step when you sign in: a code from an authenticator app on your phone. Then nobody can sign in
            with only your password or your email.
          </p>
          {status.required && (
            <p className="alert alert-info">{workspace.name} requires two-step verification for everyone.</p>
          )}
          {panel === 'enrol' ? (
            <MfaEnrol
              onCancel={() => close(null)}
              onConfirmed={(codes) => {
                // It is on from here: show the codes under an "On" badge.
                setLoad({ status: 'ready', data: { ...status, enabled: true, recoveryCodesLeft: codes.length } });
                setPanel({ codes, after: 'enrol' });
              }}
            />
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => openPanel('enrol')}
            >
              Set up
            </button>
          )}
        </>
      )}
      {status && status.enabled && panel === null && (
        <>
          <p className="section-text">
            When you sign in, you enter a code from your authenticator app. If you lose your phone, use one of your recovery
            codes.
          </p>
          <p className={status.recoveryCodesLeft <= 3 ? 'codes-left is-low' : 'codes-left'}>
            {status.recoveryCodesLeft <= 3 && (
              <span aria-hidden="true" className="error-icon warn-icon">
                !
              </span>
            )}
            {status.recoveryCodesLeft === 1 ? '1 recovery code left' : `${status.recoveryCodesLeft} recovery codes left`}
            {status.recoveryCodesLeft <= 3 && '. Create new ones soon.'}
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              onClick={() => openPanel('regen')}
            >
              New recovery codes
            </button>
            {!status.required && (
              <button
                type="button"
                className="btn btn-danger"
                onClick={() => openPanel('disable')}
              >
                Turn off
              </button>
            )}
          </div>
          {status.required && (
            <p className="hint-text">{workspace.name} requires two-step verification, so it cannot be turned off.</p>
          )}
        </>
      )}
      {status && status.enabled && (panel === 'disable' || panel === 'regen') && (
        <ConfirmIdentityPanel
          key={panel}
          kind={panel}
          onCancel={() => close(null)}
          onDone={(result) => {
            if (panel === 'regen' && result.recoveryCodes) setPanel({ codes: result.recoveryCodes, after: 'regen' });
            else close('Two-step verification is off.');
          }}
        />
      )}
    </section>
  );
}

/** Turning off two-step verification or replacing the recovery codes: both need a code or the password. */
function ConfirmIdentityPanel({
  kind,
  onCancel,
  onDone,
}: {
  kind: 'disable' | 'regen';
  onCancel: () => void;
  onDone: (result: { recoveryCodes?: string[] }) => void;
}) {
  const { request } = useSession();
  const [identity, setIdentity] = useState<Identity>({ kind: 'code', value: '' });
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => titleRef.current?.focus(), []);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = identityProblem(identity);
    setError(problem);
    setFormError(null);
    if (problem) return inputRef.current?.focus();
    setSubmitting(true);
    try {
      const path = kind === 'disable' ? '/account/mfa/disable' : '/account/mfa/recovery-codes';
      const result = await request<{ recoveryCodes?: string[] }>(path, { method: 'POST', body: identityBody(identity) });
      onDone(result);
    } catch (err) {
      setSubmitting(false);
      if (isCode(err, 'invalid_mfa_code') || isCode(err, 'password_incorrect') || isCode(err, 'reauth_required')) {
        setError(identity.kind === 'code' ? 'That code is not right. Enter the newest code from your app.' : 'That password is not right.');
        setIdentity({ ...identity, value: '' });
        inputRef.current?.focus();
      } else {
        setFormError(messageOf(err));
      }
    }
  };

  return (
    <form className="confirm-panel" onSubmit={onSubmit} noValidate aria-labelledby="confirm-panel-title">
      <p className="reauth-title" id="confirm-panel-title" ref={titleRef} tabIndex={-1}>
        {kind === 'disable' ? 'Turn off two-step verification?' : 'Create new recovery codes?'}
      </p>
      <p className="muted">
        {kind === 'disable'
          ? 'Signing in will need only your password or an email link. Your recovery codes stop working. To confirm it’s you, enter a code from your app or your password.'
          : 'Your current recovery codes stop working. To confirm it’s you, enter a code from your app or your password.'}
      </p>
      <ErrorAlert message={formError} />
      <IdentityField idPrefix={`confirm-${kind}`} identity={identity} onChange={setIdentity} error={error} inputRef={inputRef} />
      <div className="form-actions">
        <button type="submit" className={kind === 'disable' ? 'btn btn-danger-solid' : 'btn btn-primary'} disabled={submitting}>
          {submitting && <Spinner />}
          {kind === 'disable' ? 'Turn off' : 'Create new codes'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type PwErrors = { current?: string; password?: string; repeat?: string };

function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const { request, contact } = useSession();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<PwErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const refs = { current: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null), repeat: useRef<HTMLInputElement>(null) };
  const focusFirst = (e: PwErrors) => {
    const first = (['current', 'password', 'repeat'] as const).find((f) => e[f]);
    if (first) refs[first].current?.focus();
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: PwErrors = newPasswordPairProblems(password, repeat);
    setErrors(found);
    setFormError(null);
    setDone(false);
    if (found.password || found.repeat) return focusFirst(found);
    setSubmitting(true);
    try {
      await request('/account/password', {
        method: 'POST',
        body: { ...(current ? { currentPassword: current } : {}), newPassword: password },
      });
      setCurrent('');
      setPassword('');
      setRepeat('');
      setDone(true);
      onChanged();
    } catch (err) {
      let fields: PwErrors = {};
      if (isCode(err, 'password_incorrect')) {
        fields = { current: current ? 'That is not your current password.' : 'Enter your current password.' };
        setCurrent('');
      } else if (isCode(err, 'reauth_required')) {
        fields = {
          current:
            'Enter your current password. If you have never had one, sign out and sign in again with an email link, then set a password within 10 minutes.',
        };
      } else if (isCode(err, 'validation_failed') && err instanceof ApiError) {
        fields = { current: err.field('currentPassword'), password: err.field('newPassword') };
        setFormError('Some fields need your attention. Check the messages below.');
      } else {
        setFormError(messageOf(err));
      }
      setErrors(fields);
      focusFirst(fields);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card account-section" aria-labelledby="password-title">
      <h2 id="password-title" className="section-title">
        Password
      </h2>
      <p className="section-text">Changing your password signs you out on your other devices.</p>
      {done && (
        <div className="alert alert-success" role="status">
          Your password is changed. Use it the next time you sign in.
        </div>
      )}
      <ErrorAlert message={formError} />
      <form onSubmit={onSubmit} noValidate aria-label="Change password" className="password-form">
        {contact && <input type="email" name="username" autoComplete="username" value={contact.email} readOnly hidden />}
        <Field
          inputRef={refs.current}
          id="pw-current"
          label={
            <>
              Current password <span className="optional">(optional)</span>
            </>
          }
          hint="Leave empty if you always sign in with an email link."
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={errors.current}
        />
        <NewPasswordFields
          ids={{ password: 'pw-new', repeat: 'pw-repeat' }}
          refs={refs}
          password={password}
          repeat={repeat}
          onPasswordChange={setPassword}
          onRepeatChange={setRepeat}
          errors={errors}
        />
        <SubmitButton busy={submitting} busyLabel="Saving…">
          Change password
        </SubmitButton>
      </form>
    </section>
  );
}

const methodLabels: Record<string, string> = {
  password: 'Password',
  magic_link: 'Email link',
  magic: 'Email link',
  access_link: 'Link in a ticket email',
  access: 'Link in a ticket email',
  invitation: 'Invitation',
  reset_password: 'Password reset',
  password_reset: 'Password reset',
  reset: 'Password reset',
  verify_email: 'Email confirmation',
  email_verification: 'Email confirmation',
  registration: 'Email confirmation',
};
const methodLabel = (method: string) => {
  const known = methodLabels[method];
  if (known) return known;
  const words = method.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
};

function SessionsSection({ version }: { version: number }) {
  const { request } = useSession();
  const [load, setLoad] = useState<Load<SessionInfo[]>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);

  const refresh = useCallback(() => setAttempt((a) => a + 1), []);
  useEffect(() => {
    let current = true;
    request<{ items: SessionInfo[] }>('/account/sessions')
      .then((data) => current && setLoad({ status: 'ready', data: data.items }))
      .catch((e: unknown) => current && setLoad({ status: 'failed', message: messageOf(e) }));
    return () => {
      current = false;
    };
  }, [request, attempt, version]);

  const revoke = async (target: SessionInfo | 'others') => {
    const key = target === 'others' ? 'others' : target.id;
    setBusy(key);
    setMessage(null);
    try {
      if (target === 'others') await request('/account/sessions/revoke-others', { method: 'POST' });
      else await request(`/account/sessions/${encodeURIComponent(target.id)}/revoke`, { method: 'POST' });
      // The list and the message change together.
      const data = await request<{ items: SessionInfo[] }>('/account/sessions').catch(() => null);
      if (data) setLoad({ status: 'ready', data: data.items });
      else refresh();
      setMessage({
        kind: 'success',
        text: target === 'others' ? 'You are signed out on all other devices.' : `Signed out on ${target.device}.`,
      });
    } catch (e) {
      setMessage({ kind: 'error', text: messageOf(e) });
    } finally {
      setBusy(null);
    }
  };

  const items = load.status === 'ready' ? [...load.data].sort((a, b) => Number(b.current) - Number(a.current)) : [];
  const others = items.filter((s) => !s.current);

  return (
    <section className="card account-section" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="section-title">
        Where you are signed in
      </h2>
      <p className="section-text">If you don’t recognise a device, sign it out and change your password.</p>
      {message && (
        <div className={message.kind === 'success' ? 'alert alert-success' : 'alert alert-error'} role={message.kind === 'success' ? 'status' : 'alert'}>
          {message.text}
        </div>
      )}
      {load.status === 'loading' && items.length === 0 && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {load.status === 'failed' && (
        <LoadFailed onRetry={refresh}>{load.message}</LoadFailed>
      )}
      {items.length > 0 && (
        <ul className="session-list">
          {items.map((s) => (
            <li key={s.id} className={s.current ? 'session is-current' : 'session'}>
              <DeviceIcon phone={/mobile|iphone|android|ipad|phone/i.test(s.device)} />
              <div className="session-main">
                <p className="session-device">
                  <span className="break">{s.device || 'Unknown device'}</span>
                  {s.current && <span className="badge badge-current">This device</span>}
                </p>
                <p className="session-meta">
                  <span>{methodLabel(s.method)}</span>
                  <span>{s.ip ?? 'Unknown address'}</span>
                  <span>
                    {s.current ? 'Active now' : <>Last active <Time iso={s.lastSeenAt} /></>}
                  </span>
                  <span>
                    Signed in <Time iso={s.createdAt} />
                  </span>
                </p>
              </div>
              {!s.current && (
                <button type="button" className="btn btn-danger session-action" disabled={busy !== null} onClick={() => void revoke(s)}>
                  {busy === s.id && <Spinner />}
                  Sign out<span className="visually-hidden"> on {s.device || 'this device'}, last active {new Date(s.lastSeenAt).toLocaleString()}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <button type="button" className="btn sessions-all" disabled={busy !== null} onClick={() => void revoke('others')}>
          {busy === 'others' && <Spinner />}
          Sign out all other devices
        </button>
      )}
      {load.status === 'ready' && others.length === 0 && <p className="muted small">You are not signed in anywhere else.</p>}
    </section>
  );
}

function DeviceIcon({ phone }: { phone: boolean }) {
  return (
    <svg className="session-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      {phone ? (
        <>
          <rect x="7" y="2.5" width="10" height="19" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10.5 18.5h3" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </>
      ) : (
        <>
          <rect x="3" y="4" width="18" height="12" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M1.5 19.5h21" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </>
      )}
    </svg>
  );
}
