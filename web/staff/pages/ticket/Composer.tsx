import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { StaffTicket, TicketStatus } from '../../../../contracts/tickets.ts';
import { DraftFiles, DropOverlay, FilePicker, limitsText } from '../../../ui/Attachments.tsx';
import { staffStatusLabel } from '../../../ui/format.ts';
import { useAttachmentDraft } from '../../../ui/useAttachmentDraft.ts';
import { useFileDrop } from '../../../ui/useFileDrop.ts';
import { ApiError, errorMessage, signedOut } from '../../http.ts';
import { useSession } from '../../session.tsx';
import type { TicketMutation } from '../Ticket.tsx';
import { KbLinkButton } from './KbLink.tsx';

type Mode = 'reply' | 'note';

/** What a public reply from staff does to the status (server: statusAfterReply). */
const statusAfterStaffReply = (s: TicketStatus): TicketStatus => (s === 'new' ? 'open' : s);

export function Composer({
  ticket,
  mutate,
  announce,
}: {
  ticket: StaffTicket;
  mutate: TicketMutation;
  announce: (text: string) => void;
}) {
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field: boolean } | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const { workspace } = useSession();
  const draft = useAttachmentDraft({ url: '/staff/api/uploads', limits: workspace.attachments, onUnauthenticated: signedOut });
  const { dragging, dropProps } = useFileDrop(draft.add, busy || ticket.status === 'closed');
  const tabs = useRef<Record<Mode, HTMLButtonElement | null>>({ reply: null, note: null });
  const closed = ticket.status === 'closed';
  const note = mode === 'note';
  /** Where the cursor was when "Insert article link" opened (focus leaves the text meanwhile). */
  const caret = useRef<{ start: number; end: number } | null>(null);

  const rememberCaret = () => {
    const t = textarea.current;
    caret.current = t ? { start: t.selectionStart, end: t.selectionEnd } : null;
  };

  /** Puts `link` at the remembered cursor, on its own words (a space either side if needed). */
  const insertLink = (link: string, title: string) => {
    const t = textarea.current;
    if (!t) return;
    const { start, end } = caret.current ?? { start: t.value.length, end: t.value.length };
    const before = t.value.slice(0, start);
    const after = t.value.slice(end);
    const text = (before && !/\s$/.test(before) ? ' ' : '') + link + (after && !/^\s/.test(after) ? ' ' : '');
    t.focus();
    t.setRangeText(text, start, end, 'end');
    setText(t.value);
    if (error?.field) setError(null);
    announce(`Link to “${title}” inserted`);
  };

  const after = statusAfterStaffReply(ticket.status);
  const sendOptions = ticket.allowedStatuses.filter((s) => s !== after);

  async function send(status?: TicketStatus) {
    setMenuOpen(false);
    if (!text.trim()) {
      setError({ message: note ? 'Write the note first.' : 'Write a reply first.', field: true });
      textarea.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await draft.submit((attachmentIds, headers) =>
        mutate('/messages', 'POST', { body: text, internal: note, attachmentIds, ...(status ? { status } : {}) }, headers),
      );
      if (textarea.current) textarea.current.value = '';
      setText('');
      announce(
        note ? 'Internal note added' : status ? `Reply sent and status set to ${staffStatusLabel[status]}` : 'Reply sent',
      );
      textarea.current?.focus();
    } catch (err) {
      const fieldMessage = err instanceof ApiError ? err.field('body') : undefined;
      setError({ message: fieldMessage ?? errorMessage(err), field: Boolean(fieldMessage) });
    } finally {
      setBusy(false);
    }
  }

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
    setMenuOpen(false);
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const next: Mode = e.key === 'Home' ? 'reply' : e.key === 'End' ? 'note' : mode === 'reply' ? 'note' : 'reply';
    switchTo(next);
    tabs.current[next]?.focus();
  };

  const onTextKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !busy) {
      e.preventDefault();
      void send();
    }
  };

  const hintId = 'composer-hint';
  const errorId = 'composer-error';
  const ccNames = ticket.cc.map((c) => c.name);
  const audience = [ticket.requester.name, ...ccNames].join(', ');

  return (
    <div
      className={`composer drop-target${note ? ' composer-note' : ''}${closed ? ' composer-closed' : ''}${dragging ? ' is-dragover' : ''}`}
      {...dropProps}
    >
      <DropOverlay active={dragging} />
      <div role="tablist" aria-label="Message type" className="composer-tabs">
        {(['reply', 'note'] as const).map((m) => (
          <button
            key={m}
            ref={(el) => {
              tabs.current[m] = el;
            }}
            type="button"
            role="tab"
            id={`composer-tab-${m}`}
            aria-selected={mode === m}
            aria-controls="composer-panel"
            tabIndex={mode === m ? 0 : -1}
            className={`composer-tab composer-tab-${m}`}
            onClick={() => switchTo(m)}
            onKeyDown={onTabKey}
          >
            <span aria-hidden="true" className="tab-icon">
              {m === 'reply' ? '↩' : '✎'}
            </span>
            {m === 'reply' ? 'Public reply' : 'Internal note'}
          </button>
        ))}
      </div>
      {/* The panel is left unnamed on purpose: its textarea carries the label, and a panel
          named after its tab would make "Public reply" label two things. */}
      <div role="tabpanel" id="composer-panel" className="composer-panel">
        {closed ? (
          <p className="composer-closed-note" id={hintId}>
            This ticket is closed, so it can’t get new replies or notes. If the customer needs more help, they can open a
            new ticket.
          </p>
        ) : (
          <p className="composer-hint" id={hintId}>
            {note ? (
              <>
                <strong>Only staff can see internal notes.</strong> The customer is not notified.
              </>
            ) : (
              <>
                Visible to the customer: <strong>{audience}</strong>.
                {after !== ticket.status && ` Sending sets the status to ${staffStatusLabel[after]}.`}
              </>
            )}
          </p>
        )}
        <label htmlFor="composer-text" className="visually-hidden">
          {note ? 'Note for the team' : `Reply to ${ticket.requester.name}`}
        </label>
        {/* Uncontrolled: a controlled textarea mirrors its draft into the DOM as text, where
            it would read as if it were already part of the thread. */}
        <textarea
          id="composer-text"
          ref={textarea}
          disabled={closed}
          placeholder={closed ? '' : note ? 'Write an internal note for the team…' : 'Write your reply to the customer…'}
          onChange={(e) => {
            setText(e.target.value);
            if (error?.field) setError(null);
          }}
          onKeyDown={onTextKey}
          onPaste={draft.onPaste}
          aria-invalid={error?.field ? true : undefined}
          aria-describedby={[hintId, error ? errorId : ''].filter(Boolean).join(' ')}
          rows={5}
        />
        {error && (
          <p className="composer-error" id={errorId} role="alert">
            <span aria-hidden="true">⚠ </span>
            {error.message}
          </p>
        )}
        <DraftFiles draft={draft} disabled={busy} internal={note} />
        <p className="visually-hidden" id="composer-files-hint">
          {limitsText(draft)}
          {note ? ' Files on an internal note are only visible to staff.' : ''}
        </p>
        <div className="composer-actions">
          {!closed && (
            <FilePicker id="composer-files" draft={draft} disabled={busy} describedBy="composer-files-hint" />
          )}
          {!closed && (
            <KbLinkButton
              publicReply={!note}
              disabled={busy}
              onOpen={rememberCaret}
              onInsert={(link, hit) => insertLink(link, hit.title)}
            />
          )}
          <span className="composer-shortcut" aria-hidden="true">
            {closed ? '' : 'Ctrl + Enter to send'}
          </span>
          {note ? (
            <button type="button" className="btn btn-note" disabled={closed || busy} onClick={() => void send()}>
              {busy && draft.uploading ? 'Waiting for uploads…' : 'Add internal note'}
            </button>
          ) : (
            <SplitSend
              label={busy && draft.uploading ? 'Waiting for uploads…' : 'Send reply'}
              disabled={closed || busy}
              options={sendOptions}
              open={menuOpen}
              setOpen={setMenuOpen}
              send={(s) => void send(s)}
            />
          )}
        </div>
      </div>
    </div>
  );
}

function SplitSend({
  label,
  disabled,
  options,
  open,
  setOpen,
  send,
}: {
  label: string;
  disabled: boolean;
  options: TicketStatus[];
  open: boolean;
  setOpen: (open: boolean) => void;
  send: (status?: TicketStatus) => void;
}) {
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, setOpen]);

  const onMenuKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = items.length;
      items[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      toggle.current?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="split" ref={wrap}>
      <button type="button" className="btn btn-primary split-main" disabled={disabled} onClick={() => send()}>
        {label}
      </button>
      {options.length > 0 && (
        <button
          ref={toggle}
          type="button"
          className="btn btn-primary split-toggle"
          aria-label="More send options"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? 'send-menu' : undefined}
          disabled={disabled}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">▾</span>
        </button>
      )}
      {open && (
        <ul className="split-menu" role="menu" id="send-menu" aria-label="Send options" ref={menu} onKeyDown={onMenuKey}>
          {options.map((s) => (
            <li role="none" key={s}>
              <button type="button" role="menuitem" tabIndex={-1} onClick={() => send(s)}>
                Send and set <strong>{staffStatusLabel[s]}</strong>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
