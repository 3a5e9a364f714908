import { useRef, useState, type FormEvent } from 'react';
import type { SignInResult } from '../../../contracts/auth.ts';
import { ErrorAlert, Field } from '../components.tsx';
import { usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useSessionState } from '../session.tsx';

export function SignInPage({ expired }: { expired: boolean }) {
  usePageTitle('Sign in');
  const { refresh } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!email.trim()) next.email = 'Enter your email address';
    if (!password) next.password = 'Enter your password';
    setErrors(next);
    if (next.email) return emailRef.current?.focus();
    if (next.password) return passwordRef.current?.focus();
    setBusy(true);
    try {
      // Answers { stage: 'active' | 'mfa' }; the bootstrap then says which screen follows
      // (the app, or the two-step verification code).
      await staffApi<SignInResult>('/auth/sign-in', { method: 'POST', body: { email: email.trim(), password } });
      await refresh();
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'validation_failed') {
        setErrors({ email: err.field('email'), password: err.field('password'), form: err.message });
      } else {
        setErrors({ form: errorMessage(err) });
      }
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  }

  return (
    <main className="signin-screen">
      <div className="signin-card card">
        <p className="signin-product">Portico</p>
        <h1>Sign in to the staff app</h1>
        {expired && !errors.form && (
          <div className="alert alert-info" role="status">
            Your session has ended. Sign in again to continue.
          </div>
        )}
        <ErrorAlert error={errors.form} />
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field id="signin-email" label="Email" error={errors.email}>
            {(aria) => (
              <input
                {...aria}
                ref={emailRef}
                type="email"
                autoComplete="username"
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field id="signin-password" label="Password" error={errors.password}>
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
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
