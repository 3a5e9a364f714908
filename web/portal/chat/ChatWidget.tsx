/**
 * Live chat in the portal: a "Chat with us" launcher at the bottom right of every signed-in
 * page and the panel it opens (a full-height sheet on phones). The panel shows, in turn: the
 * first message form (or, when no one can chat, why not and the ticket form instead), the
 * wait for a technician, the conversation, and the ticket the chat was saved as.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Attachment } from '../../../contracts/attachments.ts';
import type { Chat, ChatAvailability } from '../../../contracts/chat.ts';
import { ApiError } from '../../ui/api.ts';
import { AttachmentList, DraftFiles, DropOverlay } from '../../ui/Attachments.tsx';
import type { AttachmentDraft } from '../../ui/useAttachmentDraft.ts';
import { useFileDrop } from '../../ui/useFileDrop.ts';
import { usePortalDraft } from '../components/AttachmentsField.tsx';
import { Spinner } from '../components/bits.tsx';
import type { NewTicketState } from '../pages/NewTicketPage.tsx';
import { useContact, useSession } from '../session.tsx';
import { receiptOf, type Line, type Marks, type Outgoing } from '../../ui/chat-thread.ts';
import { CHAT_TEXT_MAX, chatErrorText, useChat, type Availability, type ChatController } from './useChat.ts';
import './chat.css';

/** Phones: the panel is a full-height sheet over the page (which is then inert). */
export const SHEET_QUERY = '(max-width: 600px)';

export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const on = () => setMatches(list.matches);
    on();
    list.addEventListener('change', on);
    return () => list.removeEventListener('change', on);
  }, [query]);
  return matches;
}

type Phase =
  | 'loading'
  | 'load-failed'
  | 'start'
  | 'unavailable'
  | 'availability-failed'
  | 'waiting'
  | 'active'
  | 'closed';

function phaseOf(c: ChatController): Phase {
  const chat = c.thread.chat;
  if (chat) return chat.status;
  if (c.current === 'loading') return 'loading';
  if (c.current === 'failed') return 'load-failed';
  const value = c.availability.status === 'unknown' ? undefined : c.availability.value;
  if (value) return value.available ? 'start' : 'unavailable';
  return c.availability.status === 'failed' ? 'availability-failed' : 'loading';
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('') || '?';

/** "0:42", "12:05", "1 h 03 min". */
export function elapsed(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "14:32" today, "21 Nov, 14:32" before. */
function clock(iso: string): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  if (d.toDateString() === new Date().toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}

function useNow(active: boolean, every = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(t);
  }, [active, every]);
  return now;
}

/**
 * The launcher and the panel. `open` is owned by the page frame, which makes the rest of the
 * page inert while the phone sheet covers it.
 */
export function ChatWidget({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const chat = useChat({ open });
  const phase = phaseOf(chat);
  const panelId = useId();
  const launcherRef = useRef<HTMLButtonElement>(null);
  const sheet = useMediaQuery(SHEET_QUERY);
  // The message being written, the first one included: kept while the panel is closed.
  const [text, setText] = useState('');
  const draft = usePortalDraft();

  // Closing by the panel's own means hands focus back to the launcher (once it is shown again);
  // leaving for a page (a link in the panel) lets the page take it.
  const focusLauncher = useRef(false);
  const close = useCallback(
    (returnFocus = true) => {
      focusLauncher.current = returnFocus;
      onOpenChange(false);
    },
    [onOpenChange],
  );
  useEffect(() => {
    if (open || !focusLauncher.current) return;
    focusLauncher.current = false;
    launcherRef.current?.focus();
  }, [open]);

  // Opening with no chat asks again whether one was started elsewhere (another tab) and
  // whether anyone can chat (that changes by the minute).
  const { checkAvailability, loadCurrent } = chat;
  const hasChat = chat.thread.chat !== null;
  const currentFailed = chat.current === 'failed';
  useEffect(() => {
    if (!open || hasChat) return;
    void loadCurrent({ quiet: !currentFailed });
    void checkAvailability();
    // Only when opened (or when the chat is gone), not on every change of the load state.
  }, [open, hasChat]);

  // Phone sheet: the page behind does not scroll.
  useEffect(() => {
    if (!open || !sheet) return;
    const before = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = before;
    };
  }, [open, sheet]);

  const disabled =
    !hasChat && chat.availability.status !== 'unknown' && chat.availability.value?.available === false && chat.availability.value.reason === 'disabled';
  const inChat = phase === 'waiting' || phase === 'active';

  return (
    <>
      <p className="visually-hidden" role="status">
        {chat.announcement}
      </p>
      {!(disabled && !open) && (
        <button
          ref={launcherRef}
          type="button"
          className={`chat-launcher${open ? ' is-open' : ''}${inChat ? ' is-in-chat' : ''}`}
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          onClick={() => (open ? close() : onOpenChange(true))}
        >
          <span className="chat-launcher-icon" aria-hidden="true">
            {open ? <ChevronDownIcon /> : <BubbleIcon />}
          </span>
          <span className="chat-launcher-text">Chat with us</span>
          {phase === 'waiting' && !open && <span className="chat-launcher-state">waiting…</span>}
          {chat.thread.unread > 0 && !open && (
            <span className="chat-launcher-badge">
              {chat.thread.unread}
              <span className="visually-hidden"> unread {chat.thread.unread === 1 ? 'message' : 'messages'}</span>
            </span>
          )}
        </button>
      )}
      {open && (
        <ChatPanel
          id={panelId}
          chat={chat}
          phase={phase}
          sheet={sheet}
          text={text}
          setText={setText}
          draft={draft}
          onClose={close}
        />
      )}
    </>
  );
}

type PanelProps = {
  id: string;
  chat: ChatController;
  phase: Phase;
  sheet: boolean;
  text: string;
  setText: (t: string) => void;
  draft: AttachmentDraft;
  onClose: (returnFocus?: boolean) => void;
};

function ChatPanel({ id, chat, phase, sheet, text, setText, draft, onClose }: PanelProps) {
  const { workspace } = useSession();
  const titleId = `${id}-title`;
  const panelRef = useRef<HTMLDivElement>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [ending, setEnding] = useState(false);
  const { dragging, dropProps } = useFileDrop(draft.add, !(phase === 'start' || phase === 'waiting' || phase === 'active'));
  const c = chat.thread.chat;

  // Opening: the message box if there is one, else the panel's title.
  useLayoutEffect(() => {
    const panel = panelRef.current;
    const target = panel?.querySelector<HTMLElement>('textarea') ?? panel?.querySelector<HTMLElement>(`#${CSS.escape(titleId)}`);
    target?.focus({ preventScroll: true });
  }, []);

  // A change of state that removes the focused control (the chat ended, say): focus stays
  // in the panel instead of falling back to the page. Focus on the title (put there while
  // the panel was loading) moves on to the message box once there is one.
  useEffect(() => {
    const panel = panelRef.current;
    const title = panel?.querySelector<HTMLElement>(`#${CSS.escape(titleId)}`);
    if (document.activeElement !== document.body && document.activeElement !== title) return;
    const target = panel?.querySelector<HTMLElement>('textarea') ?? title;
    if (target !== document.activeElement) target?.focus({ preventScroll: true });
  }, [phase, titleId]);

  useEffect(() => {
    if (phase !== 'waiting' && phase !== 'active') setConfirmEnd(false);
  }, [phase]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    if (confirmEnd) setConfirmEnd(false);
    else onClose();
  };

  const endChat = async () => {
    setEnding(true);
    try {
      await chat.end();
      setConfirmEnd(false);
    } catch (e) {
      chat.setNotice(e instanceof ApiError ? chatErrorText(e.code, e.message) : 'The chat could not be ended. Try again.');
    } finally {
      setEnding(false);
    }
  };

  const agent = c?.agent ?? null;
  const subtitle =
    phase === 'active' && agent
      ? `Technician · ${workspace.name}`
      : phase === 'waiting'
        ? 'Waiting for a technician…'
        : phase === 'closed'
          ? 'This chat has ended'
          : workspace.name;

  return (
    <div
      ref={panelRef}
      id={id}
      className={`chat-panel drop-target${dragging ? ' is-dragover' : ''}${sheet ? ' is-sheet' : ''}`}
      role="dialog"
      aria-modal={sheet ? true : undefined}
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      {...dropProps}
    >
      <DropOverlay active={dragging} />
      <header className="chat-head">
        <span className={`chat-avatar${agent && phase !== 'waiting' ? '' : ' is-team'}`} aria-hidden="true">
          {agent && phase !== 'waiting' ? initials(agent.name) : <HeadsetIcon />}
          {phase === 'active' && <span className="chat-presence" />}
        </span>
        <div className="chat-head-text">
          <h2 id={titleId} className="chat-title" tabIndex={-1}>
            {phase === 'active' && agent ? agent.name : 'Chat with us'}
          </h2>
          <p className="chat-subtitle">{subtitle}</p>
        </div>
        {(phase === 'waiting' || phase === 'active') && !confirmEnd && (
          <button type="button" className="chat-head-btn chat-end-btn" onClick={() => setConfirmEnd(true)}>
            End chat
          </button>
        )}
        <button type="button" className="chat-head-btn chat-min-btn" aria-label="Minimise chat" title="Minimise (the chat carries on)" onClick={() => onClose()}>
          <ChevronDownIcon />
        </button>
      </header>
      {confirmEnd && <EndConfirm busy={ending} onConfirm={endChat} onCancel={() => setConfirmEnd(false)} />}
      <ReconnectingNote status={chat.liveStatus} active={phase === 'waiting' || phase === 'active'} />
      {chat.notice && (
        <div className="chat-notice" role="alert">
          <span>{chat.notice}</span>
          <button type="button" className="chat-notice-close" aria-label="Dismiss" onClick={() => chat.setNotice(null)}>
            ×
          </button>
        </div>
      )}
      <PanelBody chat={chat} phase={phase} text={text} setText={setText} draft={draft} onClose={onClose} />
    </div>
  );
}

function PanelBody({ chat, phase, text, setText, draft, onClose }: Omit<PanelProps, 'id' | 'sheet'>) {
  switch (phase) {
    case 'loading':
      return (
        <div className="chat-body chat-center" aria-busy="true">
          <p className="chat-loading" role="status">
            <Spinner /> Loading…
          </p>
        </div>
      );
    case 'load-failed':
      return (
        <div className="chat-body chat-center">
          <p>The chat could not be loaded.</p>
          <button type="button" className="btn" onClick={() => void chat.loadCurrent()}>
            Try again
          </button>
        </div>
      );
    case 'availability-failed':
      return (
        <div className="chat-body chat-center">
          <p>{chat.availability.status === 'failed' ? chat.availability.message : 'Something went wrong.'}</p>
          <button type="button" className="btn" onClick={() => void chat.checkAvailability()}>
            Try again
          </button>
        </div>
      );
    case 'unavailable':
      return (
        <Unavailable
          availability={chat.availability}
          text={text}
          onCheck={() => void chat.checkAvailability()}
          onLeave={() => {
            setText(''); // handed over to the ticket form
            onClose(false);
          }}
        />
      );
    case 'start':
      return <StartForm chat={chat} text={text} setText={setText} draft={draft} />;
    case 'waiting':
    case 'active':
    case 'closed':
      return <Conversation chat={chat} phase={phase} text={text} setText={setText} draft={draft} onClose={onClose} />;
  }
}

function ReconnectingNote({ status, active }: { status: ChatController['liveStatus']; active: boolean }) {
  const down = active && (status === 'offline' || status === 'connecting');
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (!down) return setShow(false);
    const t = setTimeout(() => setShow(true), 1500);
    return () => clearTimeout(t);
  }, [down]);
  if (!show) return null;
  return (
    <p className="chat-reconnecting" role="status">
      <Spinner /> Reconnecting… Your messages will be sent once the connection is back.
    </p>
  );
}

function EndConfirm({ busy, onConfirm, onCancel }: { busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div className="chat-confirm" role="group" aria-labelledby="chat-confirm-text">
      <p id="chat-confirm-text">
        <strong>End this chat?</strong> The conversation is saved as a ticket you can follow up on.
      </p>
      <div className="chat-confirm-actions">
        <button type="button" className="btn btn-small btn-danger-solid" disabled={busy} onClick={onConfirm}>
          {busy && <Spinner />}
          {busy ? 'Ending…' : 'End chat'}
        </button>
        <button ref={cancelRef} type="button" className="btn btn-small btn-quiet" disabled={busy} onClick={onCancel}>
          Keep chatting
        </button>
      </div>
    </div>
  );
}

function unavailableWords(a: ChatAvailability): { title: string; text: string } {
  if (a.available) return { title: '', text: '' };
  switch (a.reason) {
    case 'no_agents':
      return { title: 'No one is available to chat right now.', text: 'Leave us a ticket instead and a technician will get back to you.' };
    case 'outside_hours':
      return {
        title: a.hours ? `Chat is open ${a.hours}.` : 'Chat is closed at the moment.',
        text: 'Outside those hours, leave us a ticket and a technician will get back to you.',
      };
    case 'disabled':
      return { title: 'Chat is not offered here.', text: 'Leave us a ticket instead and a technician will get back to you.' };
  }
}

function Unavailable({ availability, text, onCheck, onLeave }: { availability: Availability; text: string; onCheck: () => void; onLeave: () => void }) {
  const { workspace } = useSession();
  const navigate = useNavigate();
  const value = availability.status === 'unknown' ? undefined : availability.value;
  if (!value || value.available) return null;
  const words = unavailableWords(value);
  const toTicket = () => {
    const state: NewTicketState = { fromChat: true, description: text.trim() || undefined };
    onLeave();
    navigate('/tickets/new', { state });
  };
  return (
    <div className="chat-body chat-center chat-unavailable">
      <span className="chat-empty-icon" aria-hidden="true">
        <MoonIcon />
      </span>
      <p className="chat-empty-title">{words.title}</p>
      {workspace.settings.ticketCreation ? (
        <>
          <p className="chat-empty-text">{words.text}</p>
          <button type="button" className="btn btn-primary" onClick={toTicket}>
            Create a ticket
          </button>
          {text.trim() && <p className="chat-empty-hint">What you typed goes into the ticket’s description.</p>}
        </>
      ) : (
        <p className="chat-empty-text">Please contact your support team directly.</p>
      )}
      {value.reason !== 'disabled' && (
        <button type="button" className="link-button chat-check-again" onClick={onCheck} disabled={availability.status === 'loading'}>
          {availability.status === 'loading' ? 'Checking…' : 'Check again'}
        </button>
      )}
    </div>
  );
}

/** The files of the draft that have finished uploading, as attachments. */
const uploaded = (draft: AttachmentDraft): Attachment[] => draft.files.flatMap((f) => (f.attachment ? [f.attachment] : []));

function StartForm({ chat, text, setText, draft }: { chat: ChatController; text: string; setText: (t: string) => void; draft: AttachmentDraft }) {
  const contact = useContact();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const first = contact.name.split(/\s+/)[0] ?? contact.name;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    setError(null);
    if (!body) {
      setError('Write a message to start the chat.');
      return ref.current?.focus();
    }
    if (body.length > CHAT_TEXT_MAX) {
      setError(`Keep the message to ${CHAT_TEXT_MAX.toLocaleString()} characters or fewer.`);
      return ref.current?.focus();
    }
    setBusy(true);
    try {
      await draft.submit((attachmentIds, headers) => chat.start(body, attachmentIds, headers));
      setText('');
    } catch (err) {
      if (err instanceof ApiError && err.is('chat_already_open') && typeof err.details.chatId === 'string') {
        await chat.thread.refresh(err.details.chatId).catch(() => chat.loadCurrent());
      } else if (err instanceof ApiError && err.is('chat_unavailable')) {
        // Nobody can chat after all: the panel says why and offers the ticket form (the text stays).
        await chat.checkAvailability();
      } else if (err instanceof ApiError && err.is('validation_failed')) {
        setError(err.field('message') ?? err.message);
        ref.current?.focus();
      } else {
        setError(err instanceof ApiError ? chatErrorText(err.code, err.message) : 'The chat could not be started. Try again.');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="chat-body chat-start" onSubmit={onSubmit} noValidate>
      <div className="chat-start-intro">
        <p className="chat-start-hello">Hi {first}!</p>
        <p className="chat-start-text">Tell us what you need and a technician will join you here, usually within a few minutes.</p>
      </div>
      <label htmlFor="chat-first-message" className="chat-label">
        Your message
      </label>
      <textarea
        ref={ref}
        id="chat-first-message"
        className="chat-start-input"
        rows={4}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onPaste={draft.onPaste}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'chat-start-error' : 'chat-start-hint'}
        placeholder="For example: Outlook keeps asking for my password"
      />
      {error ? (
        <p className="chat-field-error" id="chat-start-error">
          {error}
        </p>
      ) : (
        <p className="visually-hidden" id="chat-start-hint">
          Press Enter to start the chat, Shift+Enter for a new line.
        </p>
      )}
      <DraftFiles draft={draft} disabled={busy} />
      <div className="chat-start-actions">
        <ChatFilePicker id="chat-start-files" draft={draft} disabled={busy} withText />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy && <Spinner />}
          {busy ? (draft.uploading ? 'Uploading…' : 'Starting…') : 'Start chat'}
        </button>
      </div>
    </form>
  );
}

function Conversation({
  chat,
  phase,
  text,
  setText,
  draft,
  onClose,
}: Omit<PanelProps, 'id' | 'sheet'> & { phase: 'waiting' | 'active' | 'closed' }) {
  const c = chat.thread.chat!;
  const lines = chat.thread.lines;
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [below, setBelow] = useState(0);
  const lastKey = lines[lines.length - 1]?.key;
  const ownLast = lines.length > 0 && isOwn(lines[lines.length - 1]!);
  const typing = chat.thread.typing;

  const scrollDown = () => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setBelow(0);
  };

  // New lines: follow them when the reader is at the bottom (or wrote one), else count them.
  useLayoutEffect(() => {
    if (atBottom.current || ownLast) scrollDown();
    else setBelow((n) => n + 1);
  }, [lastKey]);
  useLayoutEffect(() => {
    if (atBottom.current) scrollDown();
  }, [typing, phase]);
  // The log getting shorter (the end-chat question, a phone's keyboard, files being added)
  // keeps the newest message in view.
  useEffect(() => {
    const el = logRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = logRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (atBottom.current) setBelow(0);
  };

  return (
    <>
      <div className="chat-body chat-scroll" ref={logRef} onScroll={onScroll}>
        <ChatLog theirs={chat.thread.theirs} lines={lines} chat={c} onRetry={chat.thread.retry} onDiscard={chat.thread.remove} />
        {phase === 'waiting' && <Waiting chat={c} />}
        {phase === 'active' && typing && (
          <p className="chat-typing">
            <span className="chat-typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {typing.split(/\s+/)[0]} is typing…
          </p>
        )}
        {phase === 'closed' && <Closed chat={c} onReset={chat.reset} onLeave={() => onClose(false)} />}
      </div>
      {below > 0 && (
        <button type="button" className="chat-jump" onClick={scrollDown}>
          New messages <span aria-hidden="true">↓</span>
        </button>
      )}
      {phase !== 'closed' && <Composer chat={chat} text={text} setText={setText} draft={draft} onSent={scrollDown} />}
    </>
  );
}

const isOwn = (l: Line) => (l.kind === 'outgoing' ? true : l.own);

function ChatLog({
  theirs,
  lines,
  chat,
  onRetry,
  onDiscard,
}: {
  theirs: Marks;
  lines: Line[];
  chat: Chat;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  // The receipt shows under the contact's latest stored message only.
  let lastOwnSeq = 0;
  for (const l of lines) if (l.kind === 'stored' && l.own) lastOwnSeq = Math.max(lastOwnSeq, l.message.seq);
  for (const l of lines) if (l.kind === 'outgoing' && l.item.seq !== null) lastOwnSeq = Math.max(lastOwnSeq, l.item.seq);

  return (
    <ol className="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Messages">
      <li className="chat-day">
        Chat started {clock(chat.createdAt)}
      </li>
      {lines.map((l, i) => {
        const prev = lines[i - 1];
        if (l.kind === 'outgoing') {
          return <OwnLine key={`c${l.item.clientId}`} item={l.item} grouped={!!prev && isOwn(prev)} lastOwnSeq={lastOwnSeq} theirs={theirs} onRetry={onRetry} onDiscard={onDiscard} />;
        }
        const m = l.message;
        if (m.author.type === 'system') {
          return (
            <li key={l.key} className="chat-system">
              <span>{m.body}</span> <time dateTime={m.createdAt}>{clock(m.createdAt)}</time>
            </li>
          );
        }
        const key = l.own && m.clientId ? `c${m.clientId}` : l.key;
        if (l.own) {
          const item: Outgoing = {
            clientId: m.clientId ?? m.id,
            body: m.body,
            attachmentIds: [],
            attachments: m.attachments,
            createdAt: m.createdAt,
            state: 'sent',
            seq: m.seq,
            error: null,
            retryable: false,
          };
          return <OwnLine key={key} item={item} grouped={!!prev && isOwn(prev)} lastOwnSeq={lastOwnSeq} theirs={theirs} onRetry={onRetry} onDiscard={onDiscard} />;
        }
        const grouped = !!prev && prev.kind === 'stored' && prev.message.author.type === 'staff' && prev.message.author.id === m.author.id;
        return (
          <li key={key} className={`chat-msg is-theirs${grouped ? ' is-grouped' : ''}`}>
            {!grouped && (
              <span className="chat-msg-author" aria-hidden="true">
                {m.author.name}
              </span>
            )}
            <div className="chat-bubble">
              <span className="visually-hidden">{m.author.name}: </span>
              {m.body && <p className="chat-text">{m.body}</p>}
              <AttachmentList attachments={m.attachments} />
            </div>
            <span className="chat-meta">
              <time dateTime={m.createdAt}>{clock(m.createdAt)}</time>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function OwnLine({
  item,
  grouped,
  lastOwnSeq,
  theirs,
  onRetry,
  onDiscard,
}: {
  item: Outgoing;
  grouped: boolean;
  lastOwnSeq: number;
  theirs: Marks;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  let status: ReactNode = null;
  if (item.state === 'sending') status = <span className="chat-status is-sending">Sending…</span>;
  else if (item.state === 'failed')
    status = (
      <span className="chat-status is-failed">
        <span aria-hidden="true">⚠ </span>Not sent. {item.error && chatErrorText(item.error.code, item.error.message)}{' '}
        {item.retryable && (
          <button type="button" className="link-button" onClick={() => onRetry(item.clientId)}>
            Retry
          </button>
        )}{' '}
        <button type="button" className="link-button" onClick={() => onDiscard(item.clientId)}>
          Remove
        </button>
      </span>
    );
  else if (item.seq !== null && item.seq === lastOwnSeq) {
    const r = receiptOf(item.seq, theirs);
    status = <span className={`chat-status is-${r.toLowerCase()}`}>{r === 'Read' ? <CheckIcon double /> : r === 'Delivered' ? <CheckIcon double /> : <CheckIcon />}{r}</span>;
  }
  return (
    <li className={`chat-msg is-own${grouped ? ' is-grouped' : ''}${item.state !== 'sent' ? ` is-${item.state}` : ''}`}>
      <div className="chat-bubble">
        <span className="visually-hidden">You: </span>
        {item.body && <p className="chat-text">{item.body}</p>}
        <AttachmentList attachments={item.attachments} />
      </div>
      <span className="chat-meta">
        <time dateTime={item.createdAt}>{clock(item.createdAt)}</time>
        {status && <> · {status}</>}
      </span>
    </li>
  );
}

function Waiting({ chat }: { chat: Chat }) {
  const now = useNow(true);
  return (
    <div className="chat-waiting">
      <span className="chat-waiting-pulse" aria-hidden="true" />
      <div>
        <p className="chat-waiting-title">Waiting for a technician…</p>
        <p className="chat-waiting-text">
          Waiting for <span className="chat-elapsed">{elapsed(chat.createdAt, now)}</span>. You can keep using the portal; your place in
          the queue is kept.
        </p>
      </div>
    </div>
  );
}

function Closed({ chat, onReset, onLeave }: { chat: Chat; onReset: () => void; onLeave: () => void }) {
  const who =
    chat.closedBy === 'staff'
      ? `${chat.agent?.name ?? 'The technician'} ended the chat.`
      : chat.closedBy === 'system'
        ? 'The chat ended after an hour without messages.'
        : 'You ended the chat.';
  return (
    <div className="chat-closed">
      <p className="chat-closed-who">{who}</p>
      {chat.ticketNumber ? (
        <>
          <p className="chat-closed-title">This chat was saved as ticket #{chat.ticketNumber}</p>
          <p className="chat-closed-text">You can read it again and follow up there at any time.</p>
          <Link to={`/tickets/${chat.ticketNumber}`} className="btn btn-primary" onClick={onLeave}>
            Open ticket #{chat.ticketNumber}
          </Link>
        </>
      ) : (
        <p className="chat-closed-text">
          <Spinner /> Saving the conversation as a ticket…
        </p>
      )}
      <button type="button" className="btn btn-quiet chat-new" onClick={onReset}>
        Start a new chat
      </button>
    </div>
  );
}

function Composer({
  chat,
  text,
  setText,
  draft,
  onSent,
}: {
  chat: ChatController;
  text: string;
  setText: (t: string) => void;
  draft: AttachmentDraft;
  onSent: () => void;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [waitingForFiles, setWaitingForFiles] = useState(false);

  // Grows with the text up to five lines.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, 140)}px`;
  }, [text]);

  const send = async () => {
    const body = text.trim();
    setError(null);
    if (!body && !draft.files.length) return;
    if (body.length > CHAT_TEXT_MAX) return setError(`Keep a message to ${CHAT_TEXT_MAX.toLocaleString()} characters or fewer.`);
    // The files finished by now show with the message at once; any still uploading are
    // waited for, and appear once the stored message comes back.
    const ready = uploaded(draft);
    setWaitingForFiles(draft.uploading);
    try {
      await draft.submit(async (attachmentIds) => {
        chat.thread.send(body, attachmentIds, ready.filter((a) => attachmentIds.includes(a.id)));
        setText('');
      });
      onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The message could not be sent. Try again.');
    } finally {
      setWaitingForFiles(false);
      ref.current?.focus();
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };

  return (
    <form className="chat-composer" onSubmit={onSubmit} noValidate>
      {error && (
        <p className="chat-field-error" id="chat-compose-error" role="alert">
          {error}
        </p>
      )}
      <DraftFiles draft={draft} disabled={waitingForFiles} />
      <div className="chat-compose-row">
        <ChatFilePicker id="chat-files" draft={draft} disabled={waitingForFiles} />
        <label htmlFor="chat-message" className="visually-hidden">
          Message
        </label>
        <textarea
          ref={ref}
          id="chat-message"
          className="chat-input"
          rows={1}
          value={text}
          placeholder="Write a message…"
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) chat.thread.notifyTyping();
          }}
          onPaste={draft.onPaste}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
          aria-describedby={error ? 'chat-compose-error chat-compose-hint' : 'chat-compose-hint'}
        />
        <button type="submit" className="chat-send" disabled={waitingForFiles || (!text.trim() && !draft.files.length)}>
          {waitingForFiles ? <Spinner /> : <SendIcon />}
          <span className="visually-hidden">{waitingForFiles ? 'Waiting for uploads…' : 'Send message'}</span>
        </button>
      </div>
      <p className="visually-hidden" id="chat-compose-hint">
        Press Enter to send, Shift+Enter for a new line.
      </p>
    </form>
  );
}

/** A paperclip: a real, labelled file input. */
function ChatFilePicker({ id, draft, disabled, withText = false }: { id: string; draft: AttachmentDraft; disabled: boolean; withText?: boolean }) {
  return (
    <span className="chat-file-picker">
      <input
        id={id}
        type="file"
        multiple
        className="visually-hidden"
        disabled={disabled}
        onChange={(e) => {
          draft.add(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      <label htmlFor={id} className={`chat-attach${withText ? ' has-text' : ''}${disabled ? ' is-disabled' : ''}`} title="Attach files">
        <ClipIcon />
        <span className={withText ? undefined : 'visually-hidden'}>Attach files</span>
      </label>
    </span>
  );
}

// ---- icons (decorative; 20px, currentColor) ----
const svg = { width: 20, height: 20, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true, focusable: false } as const;

function BubbleIcon() {
  return (
    <svg {...svg}>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12Z" />
      <path d="M8.5 12h.01M12 12h.01M15.5 12h.01" strokeWidth={2.6} />
    </svg>
  );
}
function ChevronDownIcon() {
  return (
    <svg {...svg}>
      <path d="m6 9 6 6 6-6" />
    </svg>
  );
}
function HeadsetIcon() {
  return (
    <svg {...svg}>
      <path d="M4 14v-2a8 8 0 0 1 16 0v2" />
      <rect x="3" y="13" width="4" height="6" rx="1.5" />
      <rect x="17" y="13" width="4" height="6" rx="1.5" />
      <path d="M19 19a3 3 0 0 1-3 3h-3" />
    </svg>
  );
}
function SendIcon() {
  return (
    <svg {...svg}>
      <path d="M4 12 20 4l-6 16-3-7-7-1Z" />
    </svg>
  );
}
function ClipIcon() {
  return (
    <svg {...svg}>
      <path d="m20 11.5-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15 7" />
    </svg>
  );
}
function MoonIcon() {
  return (
    <svg {...svg} width={28} height={28}>
      <path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5Z" />
    </svg>
  );
}
function CheckIcon({ double = false }: { double?: boolean }) {
  return (
    <svg {...svg} width={16} height={16} className="chat-check">
      {double ? (
        <>
          <path d="m2 13 4 4 9-10" />
          <path d="m10 16 1 1 9-10" />
        </>
      ) : (
        <path d="m5 13 4 4 10-11" />
      )}
    </svg>
  );
}
