import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../ui/api.ts';
import { ErrorAlert, isCode, messageOf, newPasswordPairProblems, NewPasswordFields, SubmitButton } from './forms.tsx';

type Errors = { password?: string; repeat?: string };

/**
 * A new password, typed twice. `submit` sends it; an `invalid_link` error goes to `onInvalidLink`,
 * any other error shows on the form.
 */
export function NewPasswordForm({
  idPrefix,
  submitLabel,
  busyLabel,
  submit,
  onInvalidLink,
  email,
}: {
  idPrefix: string;
  submitLabel: string;
  busyLabel: string;
  submit: (password: string) => Promise<void>;
  onInvalidLink: () => void;
  /** For password managers, when known. */
  email?: string;
}) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const repeatRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = newPasswordPairProblems(password, repeat);
    setErrors(found);
    setFormError(null);
    if (found.password) return passwordRef.current?.focus();
    if (found.repeat) return repeatRef.current?.focus();

    setSubmitting(true);
    try {
      await submit(password);
      // The caller moves on to the signed-in app.
    } catch (err) {
      setSubmitting(false);
      if (isCode(err, 'invalid_link')) return onInvalidLink();
      if (isCode(err, 'validation_failed') && err instanceof ApiError && err.field('password')) {
        setErrors({ password: err.field('password') });
        passwordRef.current?.focus();
      }
      setFormError(messageOf(err));
    }
  };

  return (
    <>
      <ErrorAlert message={formError} />
      <form onSubmit={onSubmit} noValidate aria-label={submitLabel}>
        {email && <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />}
        <NewPasswordFields
          ids={{ password: `${idPrefix}-password`, repeat: `${idPrefix}-repeat` }}
          refs={{ password: passwordRef, repeat: repeatRef }}
          password={password}
          repeat={repeat}
          onPasswordChange={setPassword}
          onRepeatChange={setRepeat}
          errors={errors}
          required
        />
        <SubmitButton className="btn btn-primary btn-block" busy={submitting} busyLabel={busyLabel}>
          {submitLabel}
        </SubmitButton>
      </form>
    </>
  );
}
