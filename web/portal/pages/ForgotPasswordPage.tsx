import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { LinkRequested } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { Spinner } from '../components/bits.tsx';
import { AuthFrame, LinkSent } from '../components/AuthFrame.tsx';
import { emailProblem, Field, isCode, messageOf } from '../components/forms.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/** Ask for a link to choose a new password. The answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const { base, signInMethods } = useSession();
  usePageTitle('Forgot your password?');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = emailProblem(email);
    setError(problem);
    setFormError(null);
    if (problem) return emailRef.current?.focus();
    setSubmitting(true);
    try {
      await api<LinkRequested>(`${base}/api/auth/forgot-password`, { method: 'POST', body: { email: email.trim() } });
      setSentTo(email.trim());
    } catch (err) {
      if (isCode(err, 'validation_failed') && err instanceof ApiError) setError(err.field('email'));
      setFormError(messageOf(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthFrame
      title="Forgot your password?"
      intro={sentTo ? undefined : 'Enter the email address of your account and we will send you a link to choose a new password.'}
    >
      {sentTo ? (
        <LinkSent
          onReset={() => {
            setSentTo(null);
            setEmail('');
            requestAnimationFrame(() => emailRef.current?.focus());
          }}
        >
          <p>
            If an account exists for <strong className="break">{sentTo}</strong>, we sent a link to choose a new password. It
            works once and expires in 1 hour.
          </p>
          <p>Check your spam folder if it does not arrive in a few minutes.</p>
        </LinkSent>
      ) : (
        <>
          {formError && (
            <div className="alert alert-error" role="alert">
              {formError}
            </div>
          )}
          <form onSubmit={onSubmit} noValidate aria-label="Forgot your password">
            <Field
              inputRef={emailRef}
              id="forgot-email"
              label="Email address"
              name="email"
              type="email"
              inputMode="email"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={error}
            />
            <button type="submit" className="btn btn-primary btn-block" disabled={submitting}>
              {submitting && <Spinner />}
              {submitting ? 'Sending…' : 'Send me a link'}
            </button>
          </form>
        </>
      )}
      <p className="signin-help">
        {signInMethods.magicLink ? 'Remembered it, or want to sign in with an email link instead? ' : 'Remembered it? '}
        <Link to="/">Back to sign-in</Link>
      </p>
    </AuthFrame>
  );
}
