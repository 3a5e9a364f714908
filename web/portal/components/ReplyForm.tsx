/** The reply box under a ticket's conversation, with attachments. */
import { useRef, useState, type FormEvent } from 'react';
import type { PortalTicket } from '../../../contracts/tickets.ts';
import { ApiError } from '../../ui/api.ts';
import { DropOverlay } from '../../ui/Attachments.tsx';
import { useFileDrop } from '../../ui/useFileDrop.ts';
import { useSession } from '../session.tsx';
import { AttachmentsField, usePortalDraft } from './AttachmentsField.tsx';
import { ErrorAlert, SubmitButton, TextAreaField } from './forms.tsx';

const TEXT_MAX = 20000;

export function ReplyForm({ ticket, onSent, onStale }: { ticket: PortalTicket; onSent: (t: PortalTicket) => void; onStale: () => void }) {
  const { request } = useSession();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const draft = usePortalDraft();
  const { dragging, dropProps } = useFileDrop(draft.add, sending);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const problem = !body.trim()
      ? 'Write a reply before sending.'
      : body.trim().length > TEXT_MAX
        ? `Keep your reply to ${TEXT_MAX.toLocaleString()} characters or fewer.`
        : undefined;
    setError(problem);
    if (problem) return ref.current?.focus();
    setSending(true);
    try {
      const updated = await draft.submit((attachmentIds, headers) =>
        request<PortalTicket>(`/tickets/${ticket.number}/replies`, { method: 'POST', body: { body, attachmentIds }, headers }),
      );
      setBody('');
      onSent(updated);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed' && err.field('body')) {
        setError(err.field('body'));
        ref.current?.focus();
      } else if (err instanceof ApiError && err.code === 'ticket_closed') {
        setFormError(err.message);
        onStale();
      } else {
        setFormError(err instanceof ApiError ? err.message : 'Your reply could not be sent. Try again.');
      }
    } finally {
      setSending(false);
    }
  };

  const hint =
    ticket.status === 'solved'
      ? 'Replying reopens this ticket.'
      : 'The support team sees your reply on this ticket.';

  return (
    <section
      className={dragging ? 'card reply-card drop-target is-dragover' : 'card reply-card drop-target'}
      aria-labelledby="reply-heading"
      {...dropProps}
    >
      <DropOverlay active={dragging} />
      <h2 id="reply-heading" className="section-title">
        Reply
      </h2>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert message={formError} />
        <TextAreaField
          textareaRef={ref}
          id="reply-body"
          idPrefix="reply"
          label="Your reply"
          hint={hint}
          name="body"
          rows={5}
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
          onPaste={draft.onPaste}
          error={error}
        />
        <AttachmentsField id="reply-files" draft={draft} disabled={sending} />
        <div className="form-actions">
          <SubmitButton busy={sending} busyLabel={draft.uploading ? 'Waiting for uploads…' : 'Sending…'}>
            Send reply
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
