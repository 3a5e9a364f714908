import { useRef, useState, type FormEvent } from 'react';
import type { SignInResult } from '../../../contracts/auth.ts';
import { ErrorAlert, Field } from '../components.tsx';
import { usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { CodeInput, MfaSetupFlow, cleanCode } from '../mfa.tsx';
import { useSessionState } from '../session.tsx';

/** After the password: the code from the app, or setting it up when the workspace requires it. */
export function MfaPage({ enrolled }: { enrolled: boolean }) {
  const { refresh, signOut } = useSessionState();
  return (
    <main className="signin-screen">
      <div className={`signin-card card${enrolled ? '' : ' signin-card-wide'}`}>
        <p className="signin-product">Portico</p>
        {enrolled ? <Challenge refresh={refresh} /> : <Enrol refresh={refresh} />}
        <p className="signin-foot">
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Cancel and sign out
          </button>
        </p>
      </div>
    </main>
  );
}

function Challenge({ refresh }: { refresh: () => Promise<void> }) {
  usePageTitle('Two-step verification');
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<{ code?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = recovery ? code.trim().toLowerCase() : cleanCode(code);
    if (!recovery && !/^\d{6}$/.test(value)) {
      setError({ code: 'Enter the 6-digit code from your authenticator app' });
      return input.current?.focus();
    }
    if (recovery && value.length < 6) {
      setError({ code: 'Enter one of your recovery codes' });
      return input.current?.focus();
    }
    setBusy(true);
    setError({});
    try {
      await staffApi<SignInResult>('/auth/mfa', { method: 'POST', body: { code: value } });
      await refresh();
    } catch (err) {
      setBusy(false);
      setError(
        err instanceof ApiError && (err.code === 'invalid_mfa_code' || err.code === 'validation_failed' || err.code === 'rate_limited')
          ? { code: err.message }
          : { form: errorMessage(err) },
      );
      setCode('');
      input.current?.focus();
    }
  }

  return (
    <>
      <h1>Two-step verification</h1>
      <p className="muted">
        {recovery
          ? 'Enter one of the recovery codes you saved when you set up two-step verification. Each code works once.'
          : 'Open your authenticator app and enter the 6-digit code it shows for Portico.'}
      </p>
      <ErrorAlert error={error.form} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="mfa-code" label={recovery ? 'Recovery code' : 'Code'} error={error.code}>
          {(aria) =>
            recovery ? (
              <input
                {...aria}
                ref={input}
                className="mono"
                autoComplete="off"
                spellCheck={false}
                autoCapitalize="off"
                autoFocus
                maxLength={20}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            ) : (
              <CodeInput id="mfa-code" aria={aria} inputRef={input} autoFocus value={code} onChange={setCode} />
            )
          }
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          Verify
        </button>
      </form>
      <p className="signin-alt">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRecovery((r) => !r);
            setCode('');
            setError({});
            window.setTimeout(() => input.current?.focus());
          }}
        >
          {recovery ? 'Use a code from your app instead' : 'Use a recovery code'}
        </button>
      </p>
    </>
  );
}

function Enrol({ refresh }: { refresh: () => Promise<void> }) {
  usePageTitle('Set up two-step verification');
  return (
    <>
      <h1>Set up two-step verification</h1>
      <p className="muted">
        Your workspace requires a second step when staff sign in: a code from an authenticator app on your phone. Set it up now to
        continue.
      </p>
      <MfaSetupFlow onDone={() => void refresh()} />
    </>
  );
}
