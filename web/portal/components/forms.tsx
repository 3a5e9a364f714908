/** Form pieces shared by the sign-in and account pages. */
import type { InputHTMLAttributes, ReactNode, Ref, TextareaHTMLAttributes } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../contracts/constants.ts';
import { ApiError } from '../../ui/api.ts';
import { describedBy, FieldError, Spinner } from './bits.tsx';

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'ref'> & {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** Something beside the label, like a "Forgot your password?" link. */
  labelAside?: ReactNode;
  fieldClassName?: string;
};

/** A labelled input with its hint and error wired up for screen readers. */
export function Field({ id, label, hint, error, inputRef, labelAside, fieldClassName, ...input }: FieldProps) {
  return (
    <div className={fieldClassName ? `field ${fieldClassName}` : 'field'}>
      {labelAside ? (
        <div className="label-row">
          <label htmlFor={id}>{label}</label>
          {labelAside}
        </div>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        ref={inputRef}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && hint !== null && `${id}-hint`, error && `${id}-error`)}
        {...input}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** Email as the server will read it; the message for an empty or malformed address. */
export function emailProblem(email: string): string | undefined {
  const value = email.trim();
  if (!value) return 'Enter your email address.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return 'Enter a valid email address, like name@company.com.';
  return undefined;
}

export function newPasswordProblem(password: string): string | undefined {
  if (!password) return 'Choose a password.';
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  return undefined;
}

/** Problems with a new password and its repetition; the repetition is only checked once the password is fine. */
export function newPasswordPairProblems(password: string, repeat: string): { password?: string; repeat?: string } {
  const found: { password?: string; repeat?: string } = { password: newPasswordProblem(password) };
  if (!found.password && repeat !== password)
    found.repeat = repeat ? 'The two passwords are not the same.' : 'Type the new password again.';
  return found;
}

export const passwordHint = `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong password.`;

/** The message to show for a failed request. */
export function messageOf(e: unknown, fallback = 'Something went wrong. Try again.'): string {
  if (e instanceof ApiError) {
    if (e.code === 'rate_limited') return 'Too many attempts. Wait a few minutes and try again.';
    return e.message;
  }
  return fallback;
}

export const isCode = (e: unknown, code: string) => e instanceof ApiError && e.code === code;

/** A six-digit code or a recovery code, the way people type them (spaces, dashes, capitals). */
export function normaliseCode(value: string, kind: 'totp' | 'recovery'): string {
  return kind === 'totp' ? value.replace(/\D/g, '') : value.trim().toLowerCase().replace(/\s+/g, '');
}

export function codeProblem(value: string, kind: 'totp' | 'recovery'): string | undefined {
  const code = normaliseCode(value, kind);
  if (kind === 'totp') {
    if (!code) return 'Enter the 6-digit code from your app.';
    if (code.length !== 6) return 'The code has 6 digits.';
    return undefined;
  }
  if (!code) return 'Enter one of your recovery codes.';
  if (code.length < 6) return 'That is too short for a recovery code, like a1b2c-3d4e5.';
  return undefined;
}

/** Input attributes of a one-time code field. */
export const totpInputProps = {
  type: 'text',
  inputMode: 'numeric',
  autoComplete: 'one-time-code',
  pattern: '[0-9 ]*',
  maxLength: 9,
  spellCheck: false,
  autoCapitalize: 'none',
} as const;

/** The field for the 6-digit code of an authenticator app. */
export function TotpField({ label = '6-digit code', ...props }: Omit<FieldProps, 'label'> & { label?: ReactNode }) {
  return <Field label={label} fieldClassName="field-code" name="code" {...totpInputProps} {...props} />;
}

export const recoveryInputProps = {
  type: 'text',
  autoComplete: 'off',
  maxLength: 40,
  spellCheck: false,
  autoCapitalize: 'none',
  autoCorrect: 'off',
} as const;

/** The message above a form when a request failed; nothing when there is none. */
export function ErrorAlert({ message, id }: { message: string | null | undefined; id?: string }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert" id={id}>
      {message}
    </div>
  );
}

/** A submit button that shows a spinner and its busy label while the request runs. */
export function SubmitButton({
  busy,
  busyLabel,
  children,
  className = 'btn btn-primary',
}: {
  busy: boolean;
  busyLabel: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <button type="submit" className={className} disabled={busy}>
      {busy && <Spinner />}
      {busy ? busyLabel : children}
    </button>
  );
}

/** An email address field, with the input attributes every sign-in form uses. */
export function EmailField({ label = 'Email address', ...props }: Omit<FieldProps, 'label'> & { label?: ReactNode }) {
  return (
    <Field
      label={label}
      name="email"
      type="email"
      inputMode="email"
      autoComplete="username"
      autoCapitalize="none"
      spellCheck={false}
      required
      {...props}
    />
  );
}

type NewPasswordFieldsProps = {
  ids: { password: string; repeat: string };
  refs: { password: Ref<HTMLInputElement>; repeat: Ref<HTMLInputElement> };
  password: string;
  repeat: string;
  onPasswordChange: (value: string) => void;
  onRepeatChange: (value: string) => void;
  errors: { password?: string; repeat?: string };
  required?: boolean;
};

/** "New password" and "Repeat the new password", as on the reset, welcome and account pages. */
export function NewPasswordFields({ ids, refs, password, repeat, onPasswordChange, onRepeatChange, errors, required }: NewPasswordFieldsProps) {
  return (
    <>
      <Field
        inputRef={refs.password}
        id={ids.password}
        label="New password"
        hint={passwordHint}
        name="new-password"
        type="password"
        autoComplete="new-password"
        required={required}
        value={password}
        onChange={(e) => onPasswordChange(e.target.value)}
        error={errors.password}
      />
      <Field
        inputRef={refs.repeat}
        id={ids.repeat}
        label="Repeat the new password"
        name="repeat-password"
        type="password"
        autoComplete="new-password"
        required={required}
        value={repeat}
        onChange={(e) => onRepeatChange(e.target.value)}
        error={errors.repeat}
      />
    </>
  );
}

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'ref'> & {
  id: string;
  /** Start of the hint's and error's ids: `${idPrefix}-hint`, `${idPrefix}-error`. */
  idPrefix: string;
  label: ReactNode;
  hint: ReactNode;
  error?: string;
  textareaRef?: Ref<HTMLTextAreaElement>;
};

/** A labelled textarea with its hint below it, and its error. */
export function TextAreaField({ id, idPrefix, label, hint, error, textareaRef, ...textarea }: TextAreaFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        ref={textareaRef}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${idPrefix}-hint`, error && `${idPrefix}-error`)}
        {...textarea}
      />
      <p className="hint" id={`${idPrefix}-hint`}>
        {hint}
      </p>
      <FieldError id={`${idPrefix}-error`} message={error} />
    </div>
  );
}
