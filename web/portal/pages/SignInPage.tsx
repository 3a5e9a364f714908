import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../ui/api.ts';
import { describedBy, FieldError, PageHeading, Spinner } from '../components/bits.tsx';
import { usePageTitle, useSession } from '../session.tsx';

type Errors = { email?: string; password?: string };

export function SignInPage() {
  const { workspace, signIn, notice } = useSession();
  usePageTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const next: Errors = {};
    if (!email.trim()) next.email = 'Enter your email address.';
    else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) next.email = 'Enter a valid email address, like name@company.com.';
    if (!password) next.password = 'Enter your password.';
    setErrors(next);
    setFormError(null);
    if (next.email) return emailRef.current?.focus();
    if (next.password) return passwordRef.current?.focus();

    setSubmitting(true);
    try {
      await signIn(email.trim(), password);
      // The signed-in app replaces this page.
    } catch (err) {
      setSubmitting(false);
      if (err instanceof ApiError && err.code === 'validation_failed') {
        setErrors({ email: err.field('email'), password: err.field('password') });
        setFormError(err.message);
      } else {
        setFormError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
      }
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  };

  return (
    <main id="main" className="signin-page">
      <div className="signin-card card">
        <PageHeading className="signin-title">{workspace.name}</PageHeading>
        <p className="signin-intro">Sign in to see your support tickets and ask for help.</p>

        {notice && !formError && (
          <div className="alert alert-info" role="status">
            {notice}
          </div>
        )}
        {formError && (
          <div className="alert alert-error" role="alert" id="signin-error">
            {formError}
          </div>
        )}

        <form onSubmit={onSubmit} noValidate aria-label="Sign in">
          <div className="field">
            <label htmlFor="signin-email">Email address</label>
            <input
              ref={emailRef}
              id="signin-email"
              name="email"
              type="email"
              inputMode="email"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={describedBy(errors.email && 'signin-email-error')}
            />
            <FieldError id="signin-email-error" message={errors.email} />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              ref={passwordRef}
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={errors.password ? true : undefined}
              aria-describedby={describedBy(errors.password && 'signin-password-error')}
            />
            <FieldError id="signin-password-error" message={errors.password} />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={submitting}>
            {submitting && <Spinner />}
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="signin-help">Forgot your password or need an account? Contact your support team.</p>
      </div>
    </main>
  );
}
