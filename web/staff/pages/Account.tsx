import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MfaStatus } from '../../../contracts/auth.ts';
import { ErrorAlert, Loading, PageHeading } from '../components.tsx';
import { useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { MfaSetupFlow, RecoveryCodes, ReauthFields, cleanCode } from '../mfa.tsx';
import { useSession } from '../session.tsx';

type Mode = 'idle' | 'setup' | 'disable' | 'codes';

export function AccountPage() {
  usePageTitle('Account');
  const { staff } = useSession();
  const status = useLoad<MfaStatus>('/account/mfa');

  return (
    <div className="page">
      <div className="page-head">
        <PageHeading>Account</PageHeading>
      </div>
      <section className="card form-card section account-card" aria-labelledby="me-heading">
        <h2 id="me-heading" className="section-title">
          You
        </h2>
        <dl className="detail-list">
          <div>
            <dt>Name</dt>
            <dd>{staff.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd className="break">{staff.email}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{staff.role === 'admin' ? 'Admin' : 'Agent'}</dd>
          </div>
        </dl>
      </section>
      <section className="card form-card section account-card" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading" className="section-title">
          Two-step verification
        </h2>
        {!status.data ? (
          status.error ? (
            <>
              <ErrorAlert error={status.error} />
              <button type="button" className="btn" onClick={status.reload}>
                Try again
              </button>
            </>
          ) : (
            <Loading what="two-step verification" />
          )
        ) : (
          <TwoStep status={status.data} setStatus={status.setData} reload={status.reload} />
        )}
      </section>
    </div>
  );
}

function TwoStep({ status, setStatus, reload }: { status: MfaStatus; setStatus: (s: MfaStatus) => void; reload: () => void }) {
  const [mode, setMode] = useState<Mode>('idle');
  const [notice, setNotice] = useState('');
  const [newCodes, setNewCodes] = useState<string[] | null>(null);

  if (mode === 'setup') {
    return (
      <MfaSetupFlow
        headingLevel={3}
        onCancel={() => setMode('idle')}
        onDone={() => {
          setMode('idle');
          setNotice('Two-step verification is on. You’ll enter a code from your app each time you sign in.');
          reload();
        }}
      />
    );
  }

  if (newCodes) {
    return (
      <RecoveryCodes
        codes={newCodes}
        headingLevel={3}
        intro="New recovery codes created. Your old codes no longer work."
        onDone={() => {
          setNewCodes(null);
          setMode('idle');
          reload();
        }}
      />
    );
  }

  return (
    <>
      <p className="mfa-state">
        <span className={`badge ${status.enabled ? 'badge-active' : 'badge-disabled'}`}>
          <span aria-hidden="true" className="badge-mark">
            {status.enabled ? '✓' : '○'}
          </span>
          {status.enabled ? 'On' : 'Off'}
        </span>
        <span>
          {status.enabled
            ? 'When you sign in, you enter your password and then a code from your authenticator app.'
            : 'You sign in with your password only. Add a code from an authenticator app on your phone to protect your account.'}
        </span>
      </p>
      {status.enabled && (
        <p className={status.recoveryCodesLeft <= 3 ? 'warning-text' : 'muted'}>
          {status.recoveryCodesLeft === 0
            ? 'You have no recovery codes left. Create new ones so you can still sign in without your phone.'
            : `${status.recoveryCodesLeft} recovery code${status.recoveryCodesLeft === 1 ? '' : 's'} left.`}
        </p>
      )}
      {status.required && (
        <p className="muted small">
          Your workspace requires two-step verification for staff{status.enabled ? ', so it can’t be turned off.' : '.'}
        </p>
      )}
      <div role="status" className="status-slot">
        {notice && <div className="alert alert-success">{notice}</div>}
      </div>
      {mode === 'idle' && (
        <div className="form-actions wrap">
          {!status.enabled ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setNotice('');
                setMode('setup');
              }}
            >
              Set up two-step verification
            </button>
          ) : (
            <>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setNotice('');
                  setMode('codes');
                }}
              >
                New recovery codes
              </button>
              {!status.required && (
                <button
                  type="button"
                  className="btn btn-danger"
                  onClick={() => {
                    setNotice('');
                    setMode('disable');
                  }}
                >
                  Turn off
                </button>
              )}
            </>
          )}
        </div>
      )}
      {mode === 'disable' && (
        <ConfirmPanel
          id="mfa-disable"
          title="Turn off two-step verification?"
          text="Anyone with your password could then sign in as you. Confirm with your password or a code from your app."
          action="Turn off"
          danger
          onCancel={() => setMode('idle')}
          run={async (body) => {
            const next = await staffApi<MfaStatus>('/account/mfa/disable', { method: 'POST', body });
            setStatus(next);
            setMode('idle');
            setNotice('Two-step verification is off.');
          }}
        />
      )}
      {mode === 'codes' && (
        <ConfirmPanel
          id="mfa-codes"
          title="Create new recovery codes?"
          text="Your current recovery codes stop working. Confirm with your password or a code from your app."
          action="Create new codes"
          onCancel={() => setMode('idle')}
          run={async (body) => {
            const res = await staffApi<{ recoveryCodes: string[] }>('/account/mfa/recovery-codes', { method: 'POST', body });
            setNewCodes(res.recoveryCodes);
          }}
        />
      )}
    </>
  );
}

function ConfirmPanel({
  id,
  title,
  text,
  action,
  danger,
  onCancel,
  run,
}: {
  id: string;
  title: string;
  text: string;
  action: string;
  danger?: boolean;
  onCancel: () => void;
  run: (body: { password?: string; code?: string }) => Promise<void>;
}) {
  const [value, setValue] = useState<{ method: 'password' | 'code'; password: string; code: string }>({
    method: 'password',
    password: '',
    code: '',
  });
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = value.method === 'password' ? { password: value.password } : { code: cleanCode(value.code) };
    if (value.method === 'password' && !value.password) {
      setError({ field: 'Enter your password' });
      return input.current?.focus();
    }
    if (value.method === 'code' && !/^\d{6}$/.test(body.code ?? '')) {
      setError({ field: 'Enter the 6-digit code from your app' });
      return input.current?.focus();
    }
    setBusy(true);
    setError({});
    try {
      await run(body);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && ['reauth_required', 'password_incorrect', 'invalid_mfa_code', 'invalid_credentials', 'validation_failed'].includes(err.code)) {
        setError({
          field:
            err.code === 'reauth_required'
              ? value.method === 'password'
                ? 'That password is not right.'
                : 'That code is not right. Try the newest code from your app.'
              : err.message,
        });
        input.current?.focus();
      } else setError({ form: errorMessage(err) });
    }
  }

  return (
    <form className="confirm-panel" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        {title}
      </h3>
      <p className="muted small">{text}</p>
      <ErrorAlert error={error.form} />
      <ReauthFields
        idPrefix={id}
        value={value}
        onChange={(v) => {
          if (v.method !== value.method) window.setTimeout(() => input.current?.focus());
          setValue(v);
          setError({});
        }}
        error={error.field}
        inputRef={input}
      />
      <div className="form-actions">
        <button type="submit" className={`btn ${danger ? 'btn-danger-solid' : 'btn-primary'}`} disabled={busy}>
          {action}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
