import { useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import type { LinkRequested, SignInResult } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { AuthFrame, MagicLinkSent } from '../components/AuthFrame.tsx';
import { EmailField, emailProblem, ErrorAlert, Field, isCode, messageOf, SubmitButton } from '../components/forms.tsx';
import { usePageTitle, useSession } from '../session.tsx';

type Errors = { email?: string; password?: string };
type Mode = 'password' | 'link';

/**
 * The sign-in page, with the methods the workspace allows: email and password, and/or a
 * sign-in link by email. Shown at any address while signed out; afterwards the person lands
 * on `?next=` or the page they asked for.
 */
export function SignInPage() {
  const { workspace, signInMethods: methods, notice, base, finishSignIn } = useSession();
  usePageTitle('Sign in');
  const [params] = useSearchParams();
  const { pathname, search } = useLocation();
  // Where to go afterwards: `?next=` or the address this page is showing in place of.
  const next = params.get('next') ?? (pathname !== '/' ? `${base}${pathname}${search}` : undefined);

  const [mode, setMode] = useState<Mode>(methods.password ? 'password' : 'link');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const switchMode = (to: Mode) => {
    setMode(to);
    setErrors({});
    setFormError(null);
    // The field to fill next keeps the focus (the button that had it is gone).
    requestAnimationFrame(() => emailRef.current?.focus());
  };

  const onPasswordSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = { email: emailProblem(email), password: password ? undefined : 'Enter your password.' };
    setErrors(found);
    setFormError(null);
    if (found.email) return emailRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();

    setSubmitting(true);
    try {
      const result = await api<SignInResult>(`${base}/api/auth/sign-in`, {
        method: 'POST',
        body: { email: email.trim(), password, ...(next ? { next } : {}) },
      });
      await finishSignIn(result);
      // The signed-in app (or the second step) replaces this page.
    } catch (err) {
      setSubmitting(false);
      if (isCode(err, 'validation_failed') && err instanceof ApiError) {
        setErrors({ email: err.field('email'), password: err.field('password') });
      }
      setFormError(messageOf(err));
      if (isCode(err, 'invalid_credentials')) {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  };

  const onLinkSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = emailProblem(email);
    setErrors({ email: problem });
    setFormError(null);
    if (problem) return emailRef.current?.focus();

    setSubmitting(true);
    try {
      await api<LinkRequested>(`${base}/api/auth/magic-link`, { method: 'POST', body: { email: email.trim() } });
      setSentTo(email.trim());
    } catch (err) {
      if (isCode(err, 'validation_failed') && err instanceof ApiError) setErrors({ email: err.field('email') });
      setFormError(messageOf(err));
    } finally {
      setSubmitting(false);
    }
  };

  const errorAlert = <ErrorAlert message={formError} id="signin-error" />;
  const emailField = (
    <EmailField
      inputRef={emailRef}
      id="signin-email"
      value={email}
      onChange={(e) => setEmail(e.target.value)}
      error={errors.email}
    />
  );

  let body;
  if (!methods.password && !methods.magicLink) {
    body = (
      <div className="alert alert-info">
        Sign in with the link in an email from your support team. If you need a new link, contact your support team.
      </div>
    );
  } else if (mode === 'link' && sentTo) {
    body = (
      <MagicLinkSent
        email={sentTo}
        onReset={() => {
          setSentTo(null);
          setEmail('');
          requestAnimationFrame(() => emailRef.current?.focus());
        }}
      />
    );
  } else if (mode === 'link') {
    body = (
      <>
        {errorAlert}
        <form onSubmit={onLinkSubmit} noValidate aria-label="Email me a sign-in link">
          <p className="form-lead">We will email you a link that signs you in, no password needed.</p>
          {emailField}
          <SubmitButton className="btn btn-primary btn-block" busy={submitting} busyLabel="Sending…">
            Email me a link
          </SubmitButton>
        </form>
        {methods.password && (
          <p className="signin-switch">
            <button type="button" className="link-button" onClick={() => switchMode('password')}>
              Sign in with a password instead
            </button>
          </p>
        )}
      </>
    );
  } else {
    body = (
      <>
        {errorAlert}
        <form onSubmit={onPasswordSubmit} noValidate aria-label="Sign in">
          {emailField}
          <Field
            inputRef={passwordRef}
            id="signin-password"
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
          <SubmitButton className="btn btn-primary btn-block" busy={submitting} busyLabel="Signing in…">
            Sign in
          </SubmitButton>
        </form>
        <p className="signin-forgot">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        {methods.magicLink && (
          <>
            <p className="divider">
              <span>or</span>
            </p>
            <button type="button" className="btn btn-block" onClick={() => switchMode('link')}>
              <span aria-hidden="true" className="btn-icon">
                ✉
              </span>
              Email me a sign-in link
            </button>
          </>
        )}
      </>
    );
  }

  return (
    <AuthFrame brandAsTitle title={workspace.name} intro="Sign in to see your support tickets and ask for help.">
      {notice && !formError && (
        <div className="alert alert-info" role="status">
          {notice}
        </div>
      )}
      {body}
      {methods.registration !== 'off' ? (
        <p className="signin-help">
          New here? <Link to="/register">Create an account</Link>
        </p>
      ) : (
        <p className="signin-help">Need an account? Contact your support team.</p>
      )}
      <p className="signin-kb">
        <Link to="/kb">Browse help articles</Link>
      </p>
    </AuthFrame>
  );
}
