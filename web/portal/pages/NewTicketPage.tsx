import { useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { PRIORITIES, type TicketPriority } from '../../../contracts/constants.ts';
import type { PortalTicket } from '../../../contracts/tickets.ts';
import { ApiError } from '../../ui/api.ts';
import { DropOverlay } from '../../ui/Attachments.tsx';
import { priorityLabel } from '../../ui/format.ts';
import { useFileDrop } from '../../ui/useFileDrop.ts';
import { AttachmentsField, usePortalDraft } from '../components/AttachmentsField.tsx';
import { describedBy, FieldError, PageHeading } from '../components/bits.tsx';
import { usePageTitle, useSession } from '../session.tsx';
import { ErrorAlert, SubmitButton } from '../components/forms.tsx';
import { KbSuggestions, useDeflection } from '../components/KbSuggestions.tsx';

/** What another page may hand over (router state): the chat offers the ticket form with the text typed there. */
export type NewTicketState = { description?: string; fromChat?: boolean };

type Field = 'subject' | 'description' | 'priority';
type Errors = Partial<Record<Field, string>>;

const SUBJECT_MAX = 200;
const DESCRIPTION_MAX = 20000;

const priorityHelp: Record<TicketPriority, string> = {
  low: 'Low — a question or small issue, no rush.',
  normal: 'Normal — something is not working as it should.',
  high: 'High — it is stopping you or your team from working.',
  urgent: 'Urgent — a business-critical outage or security issue.',
};

/** The same checks as the server (createTicketBody), with friendlier words. */
function validate(subject: string, description: string): Errors {
  const errors: Errors = {};
  if (!subject.trim()) errors.subject = 'Enter a subject.';
  else if (subject.trim().length > SUBJECT_MAX) errors.subject = `Keep the subject to ${SUBJECT_MAX} characters or fewer.`;
  if (!description.trim()) errors.description = 'Describe the problem or request.';
  else if (description.trim().length > DESCRIPTION_MAX)
    errors.description = `Keep the description to ${DESCRIPTION_MAX.toLocaleString()} characters or fewer.`;
  return errors;
}

export function NewTicketPage() {
  const { workspace, request } = useSession();
  usePageTitle('New ticket');
  const navigate = useNavigate();
  const handedOver = useLocation().state as NewTicketState | null;
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState(handedOver?.description ?? '');
  const [priority, setPriority] = useState<TicketPriority>('normal');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const draft = usePortalDraft();
  const { dragging, dropProps } = useFileDrop(draft.add, submitting);
  // Help articles opened from the suggestions, then left without a ticket: a deflection.
  const deflection = useDeflection();
  const [suggested, setSuggested] = useState(0);
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    description: useRef<HTMLTextAreaElement>(null),
    priority: useRef<HTMLSelectElement>(null),
  };
  const focusFirst = (e: Errors) => {
    const first = (['subject', 'description', 'priority'] as const).find((f) => e[f]);
    if (first) refs[first].current?.focus();
  };

  if (!workspace.settings.ticketCreation) {
    return (
      <>
        <PageHeading>New ticket</PageHeading>
        <div className="alert alert-info">
          New tickets cannot be created in this portal. To ask for help with something new, contact your support team
          directly.
        </div>
        <Link to="/" className="btn">
          Back to my tickets
        </Link>
      </>
    );
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const next = validate(subject, description);
    setErrors(next);
    setFormError(null);
    if (Object.keys(next).length) return focusFirst(next);

    setSubmitting(true);
    deflection.submitting(true);
    try {
      const ticket = await draft.submit((attachmentIds, headers) =>
        request<PortalTicket>('/tickets', {
          method: 'POST',
          body: { subject: subject.trim(), description, priority, attachmentIds },
          headers,
        }),
      );
      deflection.submitted();
      navigate(`/tickets/${ticket.number}`, { state: { created: true } });
    } catch (err) {
      setSubmitting(false);
      deflection.submitting(false);
      if (err instanceof ApiError && err.code === 'validation_failed') {
        const fieldErrors: Errors = {
          subject: err.field('subject'),
          description: err.field('description'),
          priority: err.field('priority'),
        };
        setErrors(fieldErrors);
        setFormError('Some fields need your attention. Check the messages below.');
        focusFirst(fieldErrors);
      } else {
        setFormError(err instanceof ApiError ? err.message : 'Your ticket could not be submitted. Try again.');
      }
    }
  };

  const subjectLeft = SUBJECT_MAX - subject.trim().length;

  /** Phones list the suggestions after the form: this link goes there. */
  const jumpToSuggestions = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    const heading = document.getElementById('kb-suggestions-title');
    heading?.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    heading?.focus({ preventScroll: true });
  };

  return (
    <div className="new-ticket">
      <p className="back-link">
        <Link to="/">
          <span aria-hidden="true">←</span> Back to tickets
        </Link>
      </p>
      <PageHeading>New ticket</PageHeading>
      <p className="page-intro">Tell the support team what you need. The more detail you give, the faster they can help.</p>
      {handedOver?.fromChat && (
        <p className="alert alert-info">
          Chat isn’t available right now, so this becomes a ticket instead: the team replies here and by email.
          {handedOver.description ? ' What you typed in the chat is already in the description.' : ''}
        </p>
      )}

      <div className="new-ticket-layout">
        <form
          className={dragging ? 'card form-card drop-target is-dragover' : 'card form-card drop-target'}
          onSubmit={onSubmit}
          noValidate
          aria-label="New ticket"
          {...dropProps}
        >
          <DropOverlay active={dragging} />
          <ErrorAlert message={formError} />
          <div className="field">
            <label htmlFor="ticket-subject">Subject</label>
            <p className="hint" id="ticket-subject-hint">
              A short summary, like “Printer on the 2nd floor is offline”.
            </p>
            <input
              ref={refs.subject}
              id="ticket-subject"
              name="subject"
              type="text"
              autoComplete="off"
              required
              maxLength={SUBJECT_MAX + 50}
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              aria-invalid={errors.subject ? true : undefined}
              aria-describedby={describedBy('ticket-subject-hint', errors.subject && 'ticket-subject-error')}
            />
            {subjectLeft < 40 && (
              <p className={subjectLeft < 0 ? 'hint counter is-over' : 'hint counter'} aria-live="polite">
                {subjectLeft < 0 ? `${-subjectLeft} characters too many` : `${subjectLeft} characters left`}
              </p>
            )}
            <FieldError id="ticket-subject-error" message={errors.subject} />
          </div>

          <div className="field">
            <label htmlFor="ticket-description">Description</label>
            <p className="hint" id="ticket-description-hint">
              What happened, what you expected, any error messages, and since when.
            </p>
            <textarea
              ref={refs.description}
              id="ticket-description"
              name="description"
              rows={8}
              required
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              onPaste={draft.onPaste}
              aria-invalid={errors.description ? true : undefined}
              aria-describedby={describedBy('ticket-description-hint', errors.description && 'ticket-description-error')}
            />
            <FieldError id="ticket-description-error" message={errors.description} />
            {suggested > 0 && (
              <p className="kb-suggest-jump">
                <a href="#kb-suggestions-title" onClick={jumpToSuggestions}>
                  {suggested === 1 ? 'A help article might answer this' : `${suggested} help articles might answer this`}
                  <span aria-hidden="true"> ↓</span>
                </a>
              </p>
            )}
          </div>

          <AttachmentsField id="ticket-files" label="Attachments" draft={draft} disabled={submitting} />

          <div className="field field-priority">
            <label htmlFor="ticket-priority">Priority</label>
            <select
              ref={refs.priority}
              id="ticket-priority"
              name="priority"
              value={priority}
              onChange={(e) => setPriority(e.target.value as TicketPriority)}
              aria-invalid={errors.priority ? true : undefined}
              aria-describedby={describedBy('ticket-priority-hint', errors.priority && 'ticket-priority-error')}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {priorityLabel[p]}
                </option>
              ))}
            </select>
            <p className="hint" id="ticket-priority-hint">
              {priorityHelp[priority]}
            </p>
            <FieldError id="ticket-priority-error" message={errors.priority} />
          </div>

          <div className="form-actions">
            <SubmitButton busy={submitting} busyLabel={draft.uploading ? 'Waiting for uploads…' : 'Submitting…'}>
              Submit ticket
            </SubmitButton>
            <Link to="/" className="btn btn-quiet">
              Cancel
            </Link>
          </div>
        </form>
        <KbSuggestions
          subject={subject}
          description={description}
          deflection={deflection}
          headingId="kb-suggestions-title"
          onCount={setSuggested}
        />
      </div>
    </div>
  );
}
