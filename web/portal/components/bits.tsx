/** Small presentational pieces shared by the portal pages. */
import { useRef, type ReactNode } from 'react';
import type { TicketPriority, TicketStatus } from '../../../contracts/tickets.ts';
import { fullTime, priorityLabel, relativeTime, statusLabel } from '../../ui/format.ts';
import { useHeadingFocus } from '../focus.ts';

/** The page's one <h1>; takes focus after a navigation. */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(ref);
  return (
    <h1 ref={ref} tabIndex={-1} className={className ? `page-title ${className}` : 'page-title'}>
      {children}
    </h1>
  );
}

/** Status as a text badge: the words carry the meaning, the colour only supports it. */
export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge-${status}`}>{statusLabel[status] ?? status}</span>;
}

const priorityMarks: Record<TicketPriority, string> = { low: '', normal: '', high: '!', urgent: '!!' };

export function Priority({ priority }: { priority: TicketPriority }) {
  const mark = priorityMarks[priority];
  return (
    <span className={`priority priority-${priority}`}>
      {mark && (
        <span className="priority-mark" aria-hidden="true">
          {mark}
        </span>
      )}
      {priorityLabel[priority] ?? priority}
    </span>
  );
}

/** "3 hours ago" with the full date and time as tooltip and machine-readable value. */
export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {relativeTime(iso)}
    </time>
  );
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="error">
      <span aria-hidden="true" className="error-icon">
        !
      </span>
      {message}
    </p>
  );
}

/** Joins the ids of a field's hint and error for aria-describedby. */
export const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

/** Loading something failed: the reason and a retry, inside the alert. */
export function LoadFailed({ children, onRetry }: { children: ReactNode; onRetry: () => void }) {
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-text">{children}</p>
      <button type="button" className="btn" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
