/** Two-step verification pieces: setting up an authenticator app, recovery codes, confirming it's you. */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { MfaSetup } from '../../../contracts/auth.ts';
import { ApiError } from '../../ui/api.ts';
import { Spinner } from './bits.tsx';
import {
  codeProblem,
  Field,
  isCode,
  messageOf,
  normaliseCode,
  SubmitButton,
  TotpField,
} from './forms.tsx';
import { useSession } from '../session.tsx';

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP" */
export const groupSecret = (secret: string) => secret.replace(/\s+/g, '').match(/.{1,4}/g)?.join(' ') ?? secret;

type Step =
  | { step: 'starting' }
  | { step: 'reauth'; error?: string }
  | { step: 'failed'; message: string }
  | { step: 'scan'; setup: MfaSetup };

/**
 * Setting up an authenticator app, from the moment it shows: (confirm it's you) → scan the QR
 * code or type the key → enter a code. `onConfirmed` gets the recovery codes to show once.
 */
export function MfaEnrol({ onConfirmed, onCancel }: { onConfirmed: (codes: string[]) => void; onCancel?: () => void }) {
  const { request } = useSession();
  const [state, setState] = useState<Step>({ step: 'starting' });
  const [password, setPassword] = useState('');
  const [reauthBusy, setReauthBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const started = useRef(false);

  const start = async (withPassword?: string) => {
    if (withPassword === undefined) setState({ step: 'starting' });
    else setReauthBusy(true);
    try {
      const setup = await request<MfaSetup>('/account/mfa/setup', {
        method: 'POST',
        body: withPassword === undefined ? {} : { password: withPassword },
      });
      setPassword('');
      setState({ step: 'scan', setup });
    } catch (e) {
      if (isCode(e, 'reauth_required') || isCode(e, 'password_incorrect') || isCode(e, 'invalid_credentials')) {
        setPassword('');
        setState({
          step: 'reauth',
          error: withPassword === undefined ? undefined : isCode(e, 'reauth_required') ? 'That password is not right.' : messageOf(e),
        });
        requestAnimationFrame(() => passwordRef.current?.focus());
      } else {
        setState({ step: 'failed', message: messageOf(e) });
      }
    } finally {
      setReauthBusy(false);
    }
  };

  useEffect(() => {
    // Once, on arrival (React may mount twice in development).
    if (started.current) return;
    started.current = true;
    void start();
  }, []);

  if (state.step === 'starting') {
    return (
      <p className="working" role="status">
        <Spinner /> Preparing…
      </p>
    );
  }
  if (state.step === 'failed') {
    return (
      <>
        <div className="alert alert-error" role="alert">
          {state.message}
        </div>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={() => void start()}>
            Try again
          </button>
          <CancelButton onCancel={onCancel} />
        </div>
      </>
    );
  }
  if (state.step === 'reauth') {
    const onSubmit = (e: FormEvent) => {
      e.preventDefault();
      if (!password) {
        setState({ step: 'reauth', error: 'Enter your password.' });
        return passwordRef.current?.focus();
      }
      void start(password);
    };
    return (
      <form className="reauth" onSubmit={onSubmit} noValidate aria-label="Confirm it's you">
        <p className="reauth-title">Confirm it’s you</p>
        <p className="muted">For your security, enter your password to set up two-step verification.</p>
        <Field
          inputRef={passwordRef}
          id="mfa-setup-password"
          label="Your password"
          hint="No password? Sign out, sign in again with an email link, and set this up within 10 minutes."
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={state.error}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={reauthBusy}>
            {reauthBusy && <Spinner />}
            Continue
          </button>
          <CancelButton onCancel={onCancel} />
        </div>
      </form>
    );
  }
  return <ScanStep setup={state.setup} onConfirmed={onConfirmed} onCancel={onCancel} />;
}

/** "Cancel" beside a step's main button, when the step can be left. */
function CancelButton({ onCancel }: { onCancel?: () => void }) {
  if (!onCancel) return null;
  return (
    <button type="button" className="btn btn-quiet" onClick={onCancel}>
      Cancel
    </button>
  );
}

function ScanStep({
  setup,
  onConfirmed,
  onCancel,
}: {
  setup: MfaSetup;
  onConfirmed: (codes: string[]) => void;
  onCancel?: () => void;
}) {
  const { request } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = codeProblem(code, 'totp');
    setError(problem);
    if (problem) return codeRef.current?.focus();
    setSubmitting(true);
    try {
      const result = await request<{ recoveryCodes: string[] }>('/account/mfa/confirm', {
        method: 'POST',
        body: { code: normaliseCode(code, 'totp') },
      });
      onConfirmed(result.recoveryCodes);
    } catch (err) {
      setSubmitting(false);
      setError(
        isCode(err, 'invalid_mfa_code')
          ? 'That code is not right. Check that the time on your phone is correct and enter the newest code.'
          : err instanceof ApiError && err.field('code')
            ? err.field('code')
            : messageOf(err),
      );
      setCode('');
      codeRef.current?.focus();
    }
  };

  return (
    <ol className="enrol-steps">
      <li>
        <p className="step-title">Scan this QR code with your authenticator app</p>
        <p className="muted">
          For example Google Authenticator, Microsoft Authenticator, 1Password or Authy. In the app, add an account and
          choose to scan a QR code.
        </p>
        <div className="qr-row">
          <div className="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: setup.qrSvg }} />
          <div className="qr-manual">
            <p className="muted">Can’t scan it? Enter this key in the app instead:</p>
            <p>
              <code className="secret" aria-label={`Key: ${setup.secret.split('').join(' ')}`}>
                {groupSecret(setup.secret)}
              </code>
            </p>
            <p className="muted small">
              On this phone? <a href={setup.uri}>Open it in your authenticator app</a>.
            </p>
          </div>
        </div>
      </li>
      <li>
        <p className="step-title">Enter the 6-digit code the app shows</p>
        <form onSubmit={onSubmit} noValidate aria-label="Confirm the code from your app">
          <TotpField
            inputRef={codeRef}
            id="mfa-enrol-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={error}
          />
          <div className="form-actions">
            <SubmitButton busy={submitting} busyLabel="Checking…">
              Turn on two-step verification
            </SubmitButton>
            <CancelButton onCancel={onCancel} />
          </div>
        </form>
      </li>
    </ol>
  );
}

/** The recovery codes, shown once: copy, download as .txt, and confirm they are saved. */
export function RecoveryCodes({ codes, onDone, intro }: { codes: string[]; onDone: () => void; intro?: string }) {
  const { workspace, contact } = useSession();
  const [copied, setCopied] = useState<string | null>(null);
  const headingRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const text = [
    `Recovery codes for ${workspace.name}${contact ? ` (${contact.email})` : ''}`,
    'Each code signs you in once if you cannot use your authenticator app.',
    '',
    ...codes,
    '',
  ].join('\n');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied. Paste them somewhere safe, like a password manager.');
    } catch {
      setCopied('Copying did not work here. Download them or write them down instead.');
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${workspace.slug}-recovery-codes.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="recovery">
      <p className="step-title recovery-title" ref={headingRef} tabIndex={-1}>
        Save your recovery codes
      </p>
      <p className="muted">
        {intro ??
          'If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe, like a password manager. They are shown only now.'}
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="btn" onClick={download}>
          Download .txt
        </button>
      </div>
      <p className="copy-status" role="status">
        {copied}
      </p>
      <button type="button" className="btn btn-primary" onClick={onDone}>
        I have saved these codes
      </button>
    </div>
  );
}

export type Identity = { kind: 'code' | 'password'; value: string };

/** "Confirm it's you" with a code from the app or the password, whichever the person has at hand. */
export function IdentityField({
  idPrefix,
  identity,
  onChange,
  error,
  inputRef,
}: {
  idPrefix: string;
  identity: Identity;
  onChange: (identity: Identity) => void;
  error?: string;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const other: Identity['kind'] = identity.kind === 'code' ? 'password' : 'code';
  return (
    <>
      {identity.kind === 'code' ? (
        <TotpField
          inputRef={inputRef}
          id={`${idPrefix}-code`}
          label="6-digit code from your authenticator app"
          value={identity.value}
          onChange={(e) => onChange({ kind: 'code', value: e.target.value })}
          error={error}
        />
      ) : (
        <Field
          inputRef={inputRef}
          id={`${idPrefix}-password`}
          label="Your password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={identity.value}
          onChange={(e) => onChange({ kind: 'password', value: e.target.value })}
          error={error}
        />
      )}
      <p className="field-switch">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            onChange({ kind: other, value: '' });
            requestAnimationFrame(() => inputRef.current?.focus());
          }}
        >
          {other === 'password' ? 'Use your password instead' : 'Use a code from your app instead'}
        </button>
      </p>
    </>
  );
}

export function identityProblem(identity: Identity): string | undefined {
  if (identity.kind === 'password') return identity.value ? undefined : 'Enter your password.';
  return codeProblem(identity.value, 'totp');
}

export const identityBody = (identity: Identity) =>
  identity.kind === 'password' ? { password: identity.value } : { code: normaliseCode(identity.value, 'totp') };

