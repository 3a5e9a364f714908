import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import type { LinkRequested } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { Spinner } from '../components/bits.tsx';
import { AuthFrame, MagicLinkSent } from '../components/AuthFrame.tsx';
import { emailProblem, Field, isCode, messageOf } from '../components/forms.tsx';
import { useRedeem } from '../components/useRedeem.ts';
import { usePageTitle, useSession } from '../session.tsx';

/** `/magic/:token` from a sign-in link email: signs in on arrival, or offers a new link. */
export function MagicLinkPage() {
  const { token = '' } = useParams();
  const [state, retry] = useRedeem('/auth/magic-link/redeem', token);
  usePageTitle(state.status === 'invalid' ? 'Link expired' : 'Signing you in');

  if (state.status === 'invalid') {
    return (
      <AuthFrame title="This sign-in link has expired or was already used">
        <p className="signin-intro">Each link works once. Enter your email address and we will send you a new one.</p>
        <NewLinkForm />
      </AuthFrame>
    );
  }
  if (state.status === 'failed') {
    return (
      <AuthFrame title="Signing in did not work">
        <div className="alert alert-error" role="alert">
          {state.message}
        </div>
        <button type="button" className="btn btn-primary btn-block" onClick={retry}>
          Try again
        </button>
        <p className="signin-help">
          <Link to="/">Back to sign-in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Signing you in">
      <p className="working" role="status">
        <Spinner /> One moment…
      </p>
    </AuthFrame>
  );
}

function NewLinkForm() {
  const { base } = useSession();
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
      await api<LinkRequested>(`${base}/api/auth/magic-link`, { method: 'POST', body: { email: email.trim() } });
      setSentTo(email.trim());
    } catch (err) {
      if (isCode(err, 'validation_failed') && err instanceof ApiError) setError(err.field('email'));
      setFormError(messageOf(err));
    } finally {
      setSubmitting(false);
    }
  };

  if (sentTo) {
    return (
      <MagicLinkSent
        email={sentTo}
        onReset={() => {
          setSentTo(null);
          setEmail('');
          requestAnimationFrame(() => emailRef.current?.focus());
        }}
      />
    );
  }
  return (
    <>
      {formError && (
        <div className="alert alert-error" role="alert">
          {formError}
        </div>
      )}
      <form onSubmit={onSubmit} noValidate aria-label="Email me a new sign-in link">
        <Field
          inputRef={emailRef}
          id="magic-email"
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
          {submitting ? 'Sending…' : 'Email me a link'}
        </button>
      </form>
      <p className="signin-help">
        <Link to="/">Back to sign-in</Link>
      </p>
    </>
  );
}
