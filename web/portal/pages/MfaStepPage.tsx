import { useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import type { SignInResult } from '../../../contracts/auth.ts';
import { ApiError } from '../../ui/api.ts';
import { Spinner } from '../components/bits.tsx';
import { AuthFrame } from '../components/AuthFrame.tsx';
import { codeProblem, ErrorAlert, Field, isCode, messageOf, normaliseCode, recoveryInputProps, SubmitButton, TotpField } from '../components/forms.tsx';
import { MfaEnrol, RecoveryCodes } from '../components/mfa.tsx';
import { requestHeadingFocus } from '../focus.ts';
import { usePageTitle, useSession } from '../session.tsx';

/** Pages that only start a sign-in: after the second step, go where the server says instead. */
const START_PAGES = /^\/(magic|verify|reset|welcome)\/|^\/(register|forgot-password)$/;

/**
 * The second step of signing in, shown in place of any page while the session owes it: a
 * code from the authenticator app (or a recovery code), or setting up the app now when the
 * workspace requires it. Afterwards the page at this address shows.
 */
export function MfaStepPage() {
  const { mfa } = useSession();
  return mfa?.enrolled ? <MfaCodeStep /> : <MfaRequiredEnrol />;
}

function SignOutOffer() {
  const { signOut } = useSession();
  const [busy, setBusy] = useState(false);
  return (
    <p className="signin-help mfa-signout">
      Not you, or can’t continue?{' '}
      <button
        type="button"
        className="link-button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          signOut().catch(() => setBusy(false));
        }}
      >
        Sign out
      </button>
    </p>
  );
}

function MfaCodeStep() {
  const { request, finishSignIn } = useSession();
  const { pathname } = useLocation();
  usePageTitle('Two-step verification');
  const [kind, setKind] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const switchKind = () => {
    setKind((k) => (k === 'totp' ? 'recovery' : 'totp'));
    setCode('');
    setError(undefined);
    setFormError(null);
    requestAnimationFrame(() => codeRef.current?.focus());
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = codeProblem(code, kind);
    setError(problem);
    setFormError(null);
    if (problem) return codeRef.current?.focus();
    setSubmitting(true);
    try {
      const result = await request<SignInResult>('/auth/mfa', { method: 'POST', body: { code: normaliseCode(code, kind) } });
      await finishSignIn(result, { stay: !START_PAGES.test(pathname) });
    } catch (err) {
      setSubmitting(false);
      if (isCode(err, 'invalid_mfa_code')) {
        setError(
          kind === 'totp'
            ? 'That code is not right. Enter the newest code from your app.'
            : 'That recovery code is not right or was already used.',
        );
      } else if (err instanceof ApiError && err.field('code')) {
        setError(err.field('code'));
      } else if (!isCode(err, 'unauthenticated')) {
        setFormError(messageOf(err));
      }
      setCode('');
      codeRef.current?.focus();
    }
  };

  return (
    <AuthFrame
      title="Two-step verification"
      intro={
        kind === 'totp'
          ? 'Enter the 6-digit code from your authenticator app to finish signing in.'
          : 'Enter one of the recovery codes you saved when you set up two-step verification.'
      }
    >
      <ErrorAlert message={formError} />
      <form onSubmit={onSubmit} noValidate aria-label="Two-step verification">
        {kind === 'totp' ? (
          <TotpField
            key="totp"
            inputRef={codeRef}
            id="mfa-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={error}
          />
        ) : (
          <Field
            key="recovery"
            inputRef={codeRef}
            id="mfa-recovery"
            label="Recovery code"
            hint="Like a1b2c-3d4e5. Each code works once."
            name="recovery-code"
            {...recoveryInputProps}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={error}
          />
        )}
        <SubmitButton className="btn btn-primary btn-block" busy={submitting} busyLabel="Checking…">
          Continue
        </SubmitButton>
      </form>
      <p className="signin-switch">
        <button type="button" className="link-button" onClick={switchKind}>
          {kind === 'totp' ? 'Use a recovery code instead' : 'Use a code from your app instead'}
        </button>
      </p>
      <p className="signin-help">Lost your phone and your recovery codes? Contact your support team.</p>
      <SignOutOffer />
    </AuthFrame>
  );
}

function MfaRequiredEnrol() {
  const { workspace, reload } = useSession();
  usePageTitle('Set up two-step verification');
  const [finishing, setFinishing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const onDone = async () => {
    setFinishing(true);
    setError(null);
    try {
      await reload();
      requestHeadingFocus();
    } catch (e) {
      setFinishing(false);
      setError(messageOf(e));
    }
  };

  return (
    <AuthFrame
      wide
      title="Set up two-step verification"
      intro={`${workspace.name} asks everyone to confirm their sign-in with a code from an authenticator app on their phone. Setting it up takes about a minute.`}
    >
      <ErrorAlert message={error} />
      {finishing ? (
        <p className="working" role="status">
          <Spinner /> One moment…
        </p>
      ) : codes ? (
        <RecoveryCodes codes={codes} onDone={() => void onDone()} />
      ) : (
        <MfaEnrol onConfirmed={setCodes} />
      )}
      <SignOutOffer />
    </AuthFrame>
  );
}
