import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { LinkRequested } from '../../../contracts/auth.ts';
import { ApiError } from '../../ui/api.ts';
import { PageHeading } from '../components/bits.tsx';
import { EmailField, emailProblem, ErrorAlert, Field, isCode, messageOf, SubmitButton } from '../components/forms.tsx';
import { useContact, usePageTitle, useSession } from '../session.tsx';

type Role = 'member' | 'manager';
type Errors = { name?: string; email?: string; role?: string };

/** `/team` (managers): invite a colleague from the same organisation. */
export function TeamPage() {
  usePageTitle('Team');
  const contact = useContact();
  const { request } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState<{ name: string; email: string } | null>(null);
  const refs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), role: useRef<HTMLInputElement>(null) };
  const sentRef = useRef<HTMLHeadingElement>(null);
  const focusFirst = (e: Errors) => {
    const first = (['name', 'email', 'role'] as const).find((f) => e[f]);
    if (first) refs[first].current?.focus();
  };

  if (contact.role !== 'manager') {
    return (
      <div className="narrow">
        <PageHeading>Team</PageHeading>
        <p className="page-intro">Only managers at {contact.client.name} can invite colleagues. Ask one of them, or your support team.</p>
        <Link to="/" className="btn btn-primary">
          Go to my tickets
        </Link>
      </div>
    );
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = { name: name.trim() ? undefined : 'Enter their name.', email: emailProblem(email) };
    if (found.email === 'Enter your email address.') found.email = 'Enter their email address.';
    setErrors(found);
    setFormError(null);
    if (found.name || found.email) return focusFirst(found);
    setSubmitting(true);
    try {
      await request<LinkRequested>('/contacts/invitations', {
        method: 'POST',
        body: { name: name.trim(), email: email.trim(), role },
      });
      setSent({ name: name.trim(), email: email.trim() });
      requestAnimationFrame(() => sentRef.current?.focus());
    } catch (err) {
      if (isCode(err, 'validation_failed') && err instanceof ApiError) {
        const fields = { name: err.field('name'), email: err.field('email'), role: err.field('role') };
        setErrors(fields);
        setFormError('Some fields need your attention. Check the messages below.');
        focusFirst(fields);
      } else if (isCode(err, 'forbidden')) {
        setFormError('Only managers can invite colleagues.');
      } else {
        setFormError(messageOf(err));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const inviteAnother = () => {
    setSent(null);
    setName('');
    setEmail('');
    setRole('member');
    requestAnimationFrame(() => refs.name.current?.focus());
  };

  return (
    <div className="narrow">
      <PageHeading>Team</PageHeading>
      <p className="page-intro">
        Invite colleagues at {contact.client.name} to this portal. They get an email with a link to set a password, and can
        then open tickets and follow them here.
      </p>

      {sent ? (
        <div className="card form-card invite-sent">
          <h2 className="section-title" ref={sentRef} tabIndex={-1}>
            <span aria-hidden="true" className="check-icon">
              ✓
            </span>
            Invitation on its way
          </h2>
          <p>
            If <strong className="break">{sent.email}</strong> can join {contact.client.name}, {sent.name} gets an email with
            a link to set a password. The link works once. Ask them to check their spam folder if it doesn’t arrive in a few
            minutes.
          </p>
          <button type="button" className="btn btn-primary" onClick={inviteAnother}>
            Invite another colleague
          </button>
        </div>
      ) : (
        <form className="card form-card" onSubmit={onSubmit} noValidate aria-labelledby="invite-title">
          <h2 id="invite-title" className="section-title">
            Invite a colleague
          </h2>
          <ErrorAlert message={formError} />
          <div className="field-row">
            <Field
              inputRef={refs.name}
              id="invite-name"
              label="Name"
              name="name"
              autoComplete="off"
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={errors.name}
            />
            <EmailField
              inputRef={refs.email}
              id="invite-email"
              autoComplete="off"
              required={false}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errors.email}
            />
          </div>
          <fieldset className="field role-choice" aria-describedby={errors.role ? 'invite-role-error' : undefined}>
            <legend>Role</legend>
            <label className="choice">
              <input
                ref={refs.role}
                type="radio"
                name="role"
                value="member"
                checked={role === 'member'}
                onChange={() => setRole('member')}
              />
              <span>
                <span className="choice-title">Member</span>
                <span className="choice-hint">Sees the tickets they raised or are copied on.</span>
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="role" value="manager" checked={role === 'manager'} onChange={() => setRole('manager')} />
              <span>
                <span className="choice-title">Manager</span>
                <span className="choice-hint">Sees every ticket of {contact.client.name} and can invite colleagues.</span>
              </span>
            </label>
            {errors.role && (
              <p id="invite-role-error" className="error">
                {errors.role}
              </p>
            )}
          </fieldset>
          <div className="form-actions">
            <SubmitButton busy={submitting} busyLabel="Sending…">
              Send invitation
            </SubmitButton>
          </div>
        </form>
      )}
      <p className="team-note muted">
        To remove someone or change their role, contact your support team. The list of your colleagues is not shown here yet.
      </p>
    </div>
  );
}
