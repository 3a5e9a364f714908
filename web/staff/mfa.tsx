/**
 * Two-step verification pieces shared by the forced enrolment screen (after sign-in, when
 * the workspace requires it) and the Account page: set-up flow, recovery codes, and the
 * "confirm it's you" fields.
 */
import { useEffect, useRef, useState, type FormEvent, type Ref } from 'react';
import type { MfaSetup } from '../../contracts/auth.ts';
import { ErrorAlert, Field } from './components.tsx';
import { ApiError, errorMessage, staffApi } from './http.ts';

/** Strips spaces and dashes a person may type into a 6-digit code ("123 456"). */
export function cleanCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/** "JBSW Y3DP EHPK 3PXP": the secret in groups of 4, easier to type by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

type CodeInputProps = {
  id: string;
  value: string;
  onChange: (v: string) => void;
  aria: { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined };
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
};

/** A 6-digit authenticator code. */
export function CodeInput({ value, onChange, aria, inputRef, autoFocus }: CodeInputProps) {
  return (
    <input
      {...aria}
      ref={inputRef}
      className="code-input mono"
      inputMode="numeric"
      autoComplete="one-time-code"
      spellCheck={false}
      maxLength={9}
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

type Step =
  | { step: 'starting' }
  | { step: 'password' }
  | { step: 'scan'; setup: MfaSetup }
  | { step: 'codes'; codes: string[] };

/**
 * Set-up: (password if the server asks) → QR code and key → first code → recovery codes.
 * Asks the server for a new key as soon as it is shown, so render it only once the person
 * chose to set up (or must).
 */
export function MfaSetupFlow({
  headingLevel = 2,
  onDone,
  onCancel,
}: {
  headingLevel?: 2 | 3;
  onDone: () => void;
  onCancel?: () => void;
}) {
  const [state, setState] = useState<Step>({ step: 'starting' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const started = useRef(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const H = headingLevel === 2 ? 'h2' : 'h3';

  async function start(withPassword?: string) {
    setBusy(true);
    setErrors({});
    try {
      const setup = await staffApi<MfaSetup>('/account/mfa/setup', {
        method: 'POST',
        body: withPassword === undefined ? {} : { password: withPassword },
      });
      setPassword('');
      setState({ step: 'scan', setup });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'reauth_required' || err.code === 'password_incorrect' || err.code === 'invalid_credentials')) {
        const wasAsked = withPassword !== undefined;
        setState({ step: 'password' });
        setErrors(wasAsked ? { password: err.code === 'reauth_required' ? 'That password is not right.' : err.message } : {});
        window.setTimeout(() => passwordRef.current?.focus());
      } else {
        setState({ step: 'password' });
        setErrors({ form: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void start();
  }, []);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    const c = cleanCode(code);
    if (!/^\d{6}$/.test(c)) {
      setErrors({ code: 'Enter the 6-digit code your app shows' });
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const res = await staffApi<{ recoveryCodes: string[] }>('/account/mfa/confirm', { method: 'POST', body: { code: c } });
      setState({ step: 'codes', codes: res.recoveryCodes });
    } catch (err) {
      setErrors(
        err instanceof ApiError && (err.code === 'invalid_mfa_code' || err.code === 'validation_failed')
          ? { code: err.message }
          : { form: errorMessage(err) },
      );
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (state.step === 'starting') {
    return (
      <p className="loading" role="status">
        Preparing your set-up key…
      </p>
    );
  }

  if (state.step === 'password') {
    return (
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!password) {
            setErrors({ password: 'Enter your password' });
            passwordRef.current?.focus();
            return;
          }
          void start(password);
        }}
      >
        <H className="section-title">Confirm it’s you</H>
        {errors.form ? (
          <div className="alert alert-error" role="alert">
            {errors.form}
          </div>
        ) : (
          <p className="muted">To change how you sign in, enter your password first.</p>
        )}
        <Field id="mfa-setup-password" label="Password" error={errors.password}>
          {(aria) => (
            <input
              {...aria}
              ref={passwordRef}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Continue
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    );
  }

  if (state.step === 'scan') {
    const { setup } = state;
    return (
      <form noValidate onSubmit={(e) => void confirm(e)} className="mfa-setup">
        <H className="section-title">Scan the QR code</H>
        <ol className="steps">
          <li>Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis).</li>
          <li>Add an account and scan this QR code.</li>
        </ol>
        <div className="qr-row">
          <div
            className="qr"
            role="img"
            aria-label="QR code to add this account to your authenticator app. If you can’t scan it, type the key shown next to it."
            dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
          />
          <div className="secret-box">
            <p className="small muted">Can’t scan it? Choose “enter a key” in your app and type this key:</p>
            <p className="secret mono">
              {groupSecret(setup.secret)}
            </p>
            <p className="small muted">Time-based, 6 digits, every 30 seconds.</p>
          </div>
        </div>
        <ErrorAlert error={errors.form} />
        <Field id="mfa-setup-code" label="Enter the 6-digit code your app shows" error={errors.code}>
          {(aria) => <CodeInput id="mfa-setup-code" aria={aria} inputRef={codeRef} value={code} onChange={setCode} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Turn on two-step verification
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    );
  }

  return <RecoveryCodes codes={state.codes} headingLevel={headingLevel} intro="Two-step verification is on." onDone={onDone} />;
}

/** The new recovery codes, shown once, with Copy and Download. */
export function RecoveryCodes({
  codes,
  headingLevel = 2,
  intro,
  onDone,
}: {
  codes: string[];
  headingLevel?: 2 | 3;
  intro?: string;
  onDone: () => void;
}) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const text = `Portico recovery codes\nEach code works once, in place of a code from your authenticator app.\n\n${codes.join('\n')}\n`;
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState<'' | 'copied' | 'failed'>('');
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const u = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [text]);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <div className="recovery">
      <H ref={heading} tabIndex={-1} className="section-title">
        Save your recovery codes
      </H>
      {intro && (
        <div className="alert alert-success" role="status">
          {intro}
        </div>
      )}
      <p>
        If you lose your phone, each of these codes lets you sign in once. <strong>They are shown only now.</strong> Keep them somewhere
        safe, like a password manager.
      </p>
      <ul className="recovery-codes mono" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="form-actions wrap">
        <button type="button" className="btn" onClick={() => void copy()}>
          Copy codes
        </button>
        {url && (
          <a className="btn" href={url} download="portico-recovery-codes.txt">
            Download .txt
          </a>
        )}
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I’ve saved them
        </button>
      </div>
      <p role="status" className="small muted status-line">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying did not work here: select the codes and copy them, or download them.' : ''}
      </p>
    </div>
  );
}

/** "Confirm it's you": a password or a code from the app. */
export function ReauthFields({
  idPrefix,
  value,
  onChange,
  error,
  inputRef,
}: {
  idPrefix: string;
  value: { method: 'password' | 'code'; password: string; code: string };
  onChange: (v: { method: 'password' | 'code'; password: string; code: string }) => void;
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <>
      {value.method === 'password' ? (
        <Field id={`${idPrefix}-password`} label="Your password" error={error}>
          {(aria) => (
            <input
              {...aria}
              ref={inputRef}
              type="password"
              autoComplete="current-password"
              value={value.password}
              onChange={(e) => onChange({ ...value, password: e.target.value })}
            />
          )}
        </Field>
      ) : (
        <Field id={`${idPrefix}-code`} label="A code from your authenticator app" error={error}>
          {(aria) => (
            <CodeInput
              id={`${idPrefix}-code`}
              aria={aria}
              inputRef={inputRef}
              value={value.code}
              onChange={(code) => onChange({ ...value, code })}
            />
          )}
        </Field>
      )}
      <p className="reauth-switch">
        <button
          type="button"
          className="link-button"
          onClick={() => onChange({ ...value, method: value.method === 'password' ? 'code' : 'password' })}
        >
          {value.method === 'password' ? 'Use a code from your app instead' : 'Use your password instead'}
        </button>
      </p>
    </>
  );
}
