import { useEffect, useRef, useState, type ReactNode, type Ref } from 'react';
import { Link } from 'react-router';
import type { TicketPriority, TicketStatus } from '../../contracts/tickets.ts';
import { fullTime, priorityLabel, relativeTime, staffStatusLabel } from '../ui/format.ts';
import { ApiError } from './http.ts';

let focusPending = false;

/**
 * After a navigation the page's heading takes focus, so screen readers announce the new
 * page and keyboard users continue from its top. A page may swap its heading once its data
 * arrives (loading → loaded); the new heading takes focus over as long as the user has not
 * done anything yet and focus was lost with the old one.
 */
export function focusPageHeading() {
  focusPending = true;
  document.getElementById('page-heading')?.focus();
}

if (typeof document !== 'undefined') {
  const settle = () => {
    focusPending = false;
  };
  document.addEventListener('keydown', settle, true);
  document.addEventListener('pointerdown', settle, true);
}

/** The page's one h1. */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    if (focusPending && (!active || active === document.body)) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} id="page-heading" tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge-${status}`}>{staffStatusLabel[status]}</span>;
}

const priorityMark: Record<TicketPriority, string> = { low: '', normal: '', high: '▲', urgent: '▲▲' };

export function Priority({ priority }: { priority: TicketPriority }) {
  const mark = priorityMark[priority];
  return (
    <span className={`priority priority-${priority}`}>
      {mark && (
        <span aria-hidden="true" className="priority-mark">
          {mark}
        </span>
      )}
      {priorityLabel[priority]}
    </span>
  );
}

/** Re-renders every minute so "3 minutes ago" stays true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

export function TimeAgo({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

export function Avatar({ name, kind }: { name: string; kind: 'staff' | 'contact' }) {
  return (
    <span className={`avatar avatar-${kind}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

/** A server error as an alert; field errors are shown by their fields instead. */
export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="alert alert-error" role="alert" id={id}>
      {message}
    </div>
  );
}

/** Shown while the first copy of a page's data loads. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'not_found';
}

export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'forbidden';
}

type FieldProps = {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: (aria: { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined }) => ReactNode;
};

/** A labelled control with its hint and error wired up through aria-describedby. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
    </div>
  );
}

/** A whole-number setting from 1 to `max`, kept as typed text until the form is saved. */
export function NumberField(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  max: number;
  value: string;
  inputRef?: Ref<HTMLInputElement> | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(aria) => (
        <input
          {...aria}
          ref={props.inputRef}
          type="number"
          inputMode="numeric"
          min={1}
          max={props.max}
          step={1}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Previous / "Page n of m" / Next links under a paged list; nothing when there is only one page. */
export function Pagination({
  page,
  pages,
  href,
  label = String(pages),
  hasNext = page < pages,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  /** "12", or "400+" when the total was capped. */
  label?: string;
  hasNext?: boolean;
}) {
  if (pages <= 1 && !hasNext) return null;
  return (
    <nav aria-label="Pagination" className="pagination">
      {page > 1 ? (
        <Link className="btn btn-small" to={href(page - 1)}>
          <span aria-hidden="true">← </span>Previous<span className="visually-hidden"> page</span>
        </Link>
      ) : (
        <span className="btn btn-small is-disabled" aria-hidden="true">
          ← Previous
        </span>
      )}
      <span className="page-of">
        Page {page} of {label}
      </span>
      {hasNext ? (
        <Link className="btn btn-small" to={href(page + 1)}>
          Next<span className="visually-hidden"> page</span>
          <span aria-hidden="true"> →</span>
        </Link>
      ) : (
        <span className="btn btn-small is-disabled" aria-hidden="true">
          Next →
        </span>
      )}
    </nav>
  );
}

/** An on/off setting: a checkbox shown as a switch, with its label, hint and On/Off. */
export function Toggle({
  id,
  checked,
  onChange,
  label,
  hint,
}: {
  id: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  hint: string;
}) {
  return (
    <div className="toggle-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div className="toggle-text">
        <label htmlFor={id}>{label}</label>
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      </div>
      <span className="toggle-state" aria-hidden="true">
        {checked ? 'On' : 'Off'}
      </span>
    </div>
  );
}
