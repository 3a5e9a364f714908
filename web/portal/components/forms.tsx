/** Form pieces shared by the sign-in and account pages. */
import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../contracts/constants.ts';
import { ApiError } from '../../ui/api.ts';
import { describedBy, FieldError } from './bits.tsx';

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

export const recoveryInputProps = {
  type: 'text',
  autoComplete: 'off',
  maxLength: 40,
  spellCheck: false,
  autoCapitalize: 'none',
  autoCorrect: 'off',
} as const;
