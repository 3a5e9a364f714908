/** The "email me a link" request: one email field, and a note once the link is on its way. */
import { useRef, useState, type FormEvent } from 'react';
import type { LinkRequested } from '../../../contracts/auth.ts';
import { api, ApiError } from '../../ui/api.ts';
import { useSession } from '../session.tsx';
import { EmailField, emailProblem, ErrorAlert, isCode, messageOf, SubmitButton } from './forms.tsx';

/** State of a link request to `${base}/api/auth/${path}`; `sentTo` is set once the server accepted it. */
export function useLinkRequest(path: string) {
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
      await api<LinkRequested>(`${base}/api/auth/${path}`, { method: 'POST', body: { email: email.trim() } });
      setSentTo(email.trim());
    } catch (err) {
      if (isCode(err, 'validation_failed') && err instanceof ApiError) setError(err.field('email'));
      setFormError(messageOf(err));
    } finally {
      setSubmitting(false);
    }
  };

  /** Back to an empty form, to ask again. */
  const reset = () => {
    setSentTo(null);
    setEmail('');
    requestAnimationFrame(() => emailRef.current?.focus());
  };

  return { email, setEmail, error, formError, submitting, sentTo, emailRef, onSubmit, reset };
}

export type LinkRequest = ReturnType<typeof useLinkRequest>;

/** The form of a link request, with the message of a failed attempt above it. */
export function LinkRequestForm({
  request,
  id,
  formLabel,
  submitLabel,
}: {
  request: LinkRequest;
  id: string;
  formLabel: string;
  submitLabel: string;
}) {
  return (
    <>
      <ErrorAlert message={request.formError} />
      <form onSubmit={request.onSubmit} noValidate aria-label={formLabel}>
        <EmailField
          inputRef={request.emailRef}
          id={id}
          value={request.email}
          onChange={(e) => request.setEmail(e.target.value)}
          error={request.error}
        />
        <SubmitButton className="btn btn-primary btn-block" busy={request.submitting} busyLabel="Sending…">
          {submitLabel}
        </SubmitButton>
      </form>
    </>
  );
}
