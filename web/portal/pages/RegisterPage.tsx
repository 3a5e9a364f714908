import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { LinkRequested } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { AuthFrame, LinkSent } from '../components/AuthFrame.tsx';
import { EmailField, emailProblem, ErrorAlert, Field, isCode, messageOf, newPasswordProblem, passwordHint, SubmitButton } from '../components/forms.tsx';
import { usePageTitle, useSession } from '../session.tsx';

type FieldName = 'name' | 'email' | 'password';
type Errors = Partial<Record<FieldName, string>>;

/** Create an account: the server emails a link to confirm the address, which signs them in. */
export function RegisterPage() {
  const { workspace, signInMethods, base } = useSession();
  usePageTitle('Create an account');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [disabled, setDisabled] = useState(signInMethods.registration === 'off');
  const refs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };
  const focusFirst = (e: Errors) => {
    const first = (['name', 'email', 'password'] as const).find((f) => e[f]);
    if (first) refs[first].current?.focus();
  };

  if (disabled) {
    return (
      <AuthFrame title="Create an account">
        <div className="alert alert-info">
          Accounts cannot be created here. Ask your support team or a manager at your organisation for an invitation.
        </div>
        <Link to="/" className="btn btn-primary btn-block">
          Go to sign-in
        </Link>
      </AuthFrame>
    );
  }

  if (sentTo) {
    return (
      <AuthFrame title="Create an account">
        <LinkSent title="Check your email to finish">
          <p>
            If <strong className="break">{sentTo}</strong> can have an account here, we sent it a link. Open the link to confirm
            your address; it signs you in and your account is ready.
          </p>
          {signInMethods.registration === 'known' && (
            <p>Accounts are for addresses of the organisations {workspace.name} supports. If nothing arrives, ask your support team.</p>
          )}
          <p>Check your spam folder if it does not arrive in a few minutes.</p>
        </LinkSent>
        <p className="signin-help">
          <Link to="/">Back to sign-in</Link>
        </p>
      </AuthFrame>
    );
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {
      name: name.trim() ? undefined : 'Enter your name.',
      email: emailProblem(email),
      password: newPasswordProblem(password),
    };
    setErrors(found);
    setFormError(null);
    if (Object.values(found).some(Boolean)) return focusFirst(found);

    setSubmitting(true);
    try {
      await api<LinkRequested>(`${base}/api/auth/register`, {
        method: 'POST',
        body: { name: name.trim(), email: email.trim(), password },
      });
      setSentTo(email.trim());
    } catch (err) {
      if (isCode(err, 'registration_disabled')) return setDisabled(true);
      if (isCode(err, 'validation_failed') && err instanceof ApiError) {
        const fields: Errors = { name: err.field('name'), email: err.field('email'), password: err.field('password') };
        setErrors(fields);
        setFormError('Some fields need your attention. Check the messages below.');
        focusFirst(fields);
      } else {
        setFormError(messageOf(err));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthFrame
      title="Create an account"
      intro={`Get help from ${workspace.name}: create an account to open tickets and follow their progress.`}
    >
      <ErrorAlert message={formError} />
      <form onSubmit={onSubmit} noValidate aria-label="Create an account">
        <Field
          inputRef={refs.name}
          id="register-name"
          label="Your name"
          name="name"
          autoComplete="name"
          required
          maxLength={120}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
        />
        <EmailField
          inputRef={refs.email}
          id="register-email"
          label="Work email address"
          hint={signInMethods.registration === 'known' ? 'Use the address at your organisation, like name@company.com.' : undefined}
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          inputRef={refs.password}
          id="register-password"
          label="Password"
          hint={passwordHint}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <SubmitButton className="btn btn-primary btn-block" busy={submitting} busyLabel="Creating your account…">
          Create account
        </SubmitButton>
      </form>
      <p className="signin-help">
        Already have an account? <Link to="/">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
