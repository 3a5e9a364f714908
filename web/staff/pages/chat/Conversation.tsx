/**
 * One chat: its messages and my messages on their way (the shared thread,
 * web/ui/chat-thread.ts: each stored message once by `seq`, mine from "Sending…" to stored,
 * the contact's typing and read marks), and accepting, ending and the ended state.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { Attachment } from '../../../../contracts/attachments.ts';
import type { Chat, ChatMessage } from '../../../../contracts/chat.ts';
import { AttachmentList } from '../../../ui/Attachments.tsx';
import { receiptOf, useChatThread, type Marks, type Outgoing } from '../../../ui/chat-thread.ts';
import { fullTime } from '../../../ui/format.ts';
import { ErrorAlert, Loading, PageHeading, isNotFound } from '../../components.tsx';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { useLive } from '../../live.tsx';
import { useSession } from '../../session.tsx';
import { ChatComposer, type ComposerHandle } from './Composer.tsx';
import { clock } from './util.ts';

type Loaded = { chat: Chat; messages: ChatMessage[] };

export function Conversation({ id, onRead }: { id: string; onRead: (chatId: string, seq: number) => void }) {
  const { client, status, reloadQueue } = useLive();
  const { staff } = useSession();
  const location = useLocation();
  const load = useLoad<Loaded>(`/chats/${encodeURIComponent(id)}`);
  const [gone, setGone] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const composer = useRef<ComposerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  /** Whether the view follows new messages (it does unless the person scrolled up). */
  const stick = useRef(true);

  const thread = useChatThread({
    client,
    side: 'staff',
    request: staffApi,
    sendMarks: (c) => c.status === 'active' && c.agent?.id === staff.id,
    onFrame: (frame, before) => {
      if (frame.type === 'chat.updated') {
        if (before && before.status !== frame.chat.status) reloadQueue();
        if (frame.chat.status === 'closed' && frame.chat.closedBy === 'contact') setAnnouncement(`Chat closed by ${frame.chat.contact.name}.`);
      }
      if (frame.type === 'subscribed') setGone(false);
      if (frame.type === 'error' && !frame.clientId && frame.code === 'not_found') setGone(true);
    },
    onSendFailed: (error) => setAnnouncement(`Message not sent: ${error.message}`),
  });
  const { chat, messages, outbox, typing, apply } = thread;
  const isMine = chat?.status === 'active' && chat.agent?.id === staff.id;

  useEffect(() => {
    if (!load.data) return;
    apply(load.data.chat, load.data.messages);
    setGone(false);
  }, [load.data, apply]);

  const { reload } = load;

  // A chat that ended becomes a ticket, maybe a moment later: look again until its number is known.
  const waitingForTicket = chat?.status === 'closed' && chat.ticketNumber === null;
  useEffect(() => {
    if (!waitingForTicket) return;
    let tries = 0;
    const t = window.setInterval(() => {
      if (++tries > 10) window.clearInterval(t);
      else reload();
    }, 2000);
    return () => window.clearInterval(t);
  }, [waitingForTicket, reload]);

  const { send: sendMessage, retry, remove: discard, notifyTyping: onTyping, read } = thread;
  const send = useCallback(
    (body: string, attachmentIds: string[], attachments: Attachment[]) => {
      stick.current = true;
      sendMessage(body, attachmentIds, attachments);
    },
    [sendMessage],
  );

  useEffect(() => {
    if (read > 0) onRead(id, read);
  }, [read, id, onRead]);

  // ---- scrolling: stay at the newest message unless the person scrolled up ----
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages, outbox, typing, chat?.status]);

  // After accepting, the message box takes the focus once it is there.
  const accepted = (location.state as { accepted?: boolean } | null)?.accepted === true;
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (accepted && isMine && !focusedOnce.current) {
      focusedOnce.current = true;
      composer.current?.focus();
    }
  }, [accepted, isMine]);

  // ---- accept / end ----
  const [busy, setBusy] = useState<'accept' | 'close' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const endedPanel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  async function accept() {
    setBusy('accept');
    setActionError(null);
    try {
      const res = await staffApi<{ chat: Chat }>(`/chats/${encodeURIComponent(id)}/accept`, { method: 'POST' });
      apply(res.chat);
      setAnnouncement(`You accepted the chat with ${res.chat.contact.name}.`);
      reloadQueue();
      setTimeout(() => composer.current?.focus(), 0);
    } catch (err) {
      setActionError(err instanceof ApiError && err.is('chat_taken') ? 'Another technician has already accepted this chat.' : errorMessage(err));
      reload();
      reloadQueue();
    } finally {
      setBusy(null);
    }
  }

  async function end() {
    setBusy('close');
    setActionError(null);
    try {
      const res = await staffApi<{ chat: Chat }>(`/chats/${encodeURIComponent(id)}/close`, { method: 'POST' });
      apply(res.chat);
      setConfirming(false);
      setAnnouncement(res.chat.ticketNumber ? `Chat closed. The transcript is now ticket #${res.chat.ticketNumber}.` : 'Chat closed.');
      reloadQueue();
      setTimeout(() => endedPanel.current?.focus(), 0);
    } catch (err) {
      setActionError(errorMessage(err));
      if (err instanceof ApiError && err.is('chat_closed')) {
        setConfirming(false);
        reload();
      }
    } finally {
      setBusy(null);
    }
  }

  const name = chat?.contact.name;
  usePageTitle(name ? `Chat with ${name}` : 'Chat');

  if (!chat) {
    const notFound = isNotFound(load.error);
    return (
      <div className="chat-view">
        <div className="chat-view-head">
          <BackLink />
          <PageHeading className="chat-title">{notFound ? 'Chat not found' : 'Chat'}</PageHeading>
        </div>
        <div className="chat-view-body">
          {notFound ? (
            <p>This chat does not exist, or it is no longer yours to see.</p>
          ) : load.error ? (
            <>
              <ErrorAlert error={load.error} />
              <button type="button" className="btn btn-small" onClick={reload}>
                Try again
              </button>
            </>
          ) : (
            <Loading what="chat" />
          )}
        </div>
      </div>
    );
  }

  const contactReceipts = thread.theirs;
  // Stored messages, with mine in their place once acknowledged (until the stored copy comes).
  const shown = thread.lines.flatMap((l) => (l.kind === 'stored' ? [l.message] : l.item.seq !== null ? [asStored(l.item, l.item.seq, staff)] : []));
  const pending = outbox.filter((o) => o.state !== 'sent');
  const closed = chat.status === 'closed';
  const waiting = chat.status === 'waiting';
  const someoneElse = chat.status === 'active' && chat.agent?.id !== staff.id;
  const lastOwn = [...shown].reverse().find((m) => m.author.type === 'staff');

  return (
    <div className="chat-view">
      <div className="chat-view-head">
        <BackLink />
        <div className="chat-who">
          <PageHeading className="chat-title">{chat.contact.name}</PageHeading>
          <p className="chat-sub">
            <span>{chat.client.name}</span>
            <a href={`mailto:${chat.contact.email}`} className="chat-email" title={chat.contact.email}>
              {chat.contact.email}
            </a>
          </p>
        </div>
        <span className={`chat-status chat-status-${chat.status}`}>
          {waiting ? 'Waiting' : closed ? 'Ended' : someoneElse ? `With ${chat.agent?.name ?? 'a colleague'}` : 'Active'}
        </span>
        {isMine && (
          <button
            ref={endButton}
            type="button"
            className="btn btn-small btn-danger chat-end"
            aria-expanded={confirming}
            aria-controls="end-chat-confirm"
            disabled={busy !== null}
            onClick={() => setConfirming((c) => !c)}
          >
            End chat
          </button>
        )}
      </div>
      {confirming && isMine && (
        <div className="chat-confirm" id="end-chat-confirm" role="group" aria-label="Confirm ending the chat">
          <p>
            End the chat with {chat.contact.name}? The conversation is saved as a ticket, and {chat.contact.name} can’t write here any
            more.
          </p>
          <div className="chat-confirm-actions">
            <button ref={confirmButton} type="button" className="btn btn-small btn-danger-solid" disabled={busy !== null} onClick={() => void end()}>
              {busy === 'close' ? 'Ending…' : 'End and save as ticket'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setConfirming(false);
                endButton.current?.focus();
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {actionError && (
        <div className="alert alert-error chat-action-error" role="alert">
          {actionError}
        </div>
      )}
      {gone && !closed && (
        <div className="alert alert-info chat-action-error" role="alert">
          Live updates for this chat are not available to you: another technician may have accepted it.{' '}
          <Link to="/chats">Back to the queue</Link>
        </div>
      )}
      <div
        className="chat-scroll"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label={`Chat with ${chat.contact.name}`}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
        }}
      >
        <p className="chat-started">
          Chat started {clock(chat.createdAt)}
          {chat.acceptedAt && chat.agent ? ` · accepted by ${chat.agent.id === staff.id ? 'you' : chat.agent.name} ${clock(chat.acceptedAt)}` : ''}
        </p>
        <ol className="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Transcript">
          {shown.map((m, i) => {
            const prev = shown[i - 1];
            const grouped = !!prev && prev.author.type === m.author.type && prev.author.id === m.author.id;
            return (
              <MessageItem
                key={m.seq}
                m={m}
                me={staff.id}
                grouped={grouped}
                mark={m.author.type === 'staff' && m === lastOwn ? receiptFor(m.seq, contactReceipts) : m.author.type === 'staff' ? receiptFor(m.seq, contactReceipts, true) : null}
              />
            );
          })}
        </ol>
        {pending.length > 0 && (
          <ol className="chat-log chat-outbox" aria-label="Outgoing">
            {pending.map((o) => (
              <li key={o.clientId} className={`chat-msg from-staff is-own is-${o.state}`}>
                <div className="chat-bubble">
                  {o.body && <div className="chat-body">{o.body}</div>}
                  <AttachmentList attachments={o.attachments} />
                </div>
                <div className="chat-meta">
                  {o.state === 'sending' ? (
                    <span className="chat-pending">{status === 'open' ? 'Sending…' : 'Waiting for the connection…'}</span>
                  ) : (
                    <span className="chat-failed">
                      <span aria-hidden="true">⚠ </span>Not sent{o.error ? `: ${o.error.message}` : ''}{' '}
                      <button type="button" className="link-button" onClick={() => retry(o.clientId)}>
                        Retry
                      </button>{' '}
                      <button type="button" className="link-button" onClick={() => discard(o.clientId)}>
                        Remove
                      </button>
                    </span>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
      </div>
      <p className="chat-typing" aria-hidden={typing ? undefined : true}>
        {typing && !closed ? (
          <>
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {typing} is typing…
          </>
        ) : null}
      </p>
      {closed ? (
        <div className="chat-ended" ref={endedPanel} tabIndex={-1}>
          <p className="chat-ended-title">{endedText(chat, staff.id)}</p>
          <p>
            {chat.ticketNumber ? (
              <>
                Saved as{' '}
                <Link to={`/tickets/${chat.ticketNumber}`} className="strong-link">
                  ticket #{chat.ticketNumber}
                </Link>
                .
              </>
            ) : (
              <span className="muted">Saving the conversation as a ticket…</span>
            )}
          </p>
        </div>
      ) : waiting ? (
        <div className="chat-ended chat-waiting-panel">
          <p className="chat-ended-title">{chat.contact.name} is waiting for a technician.</p>
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void accept()}>
            {busy === 'accept' ? 'Accepting…' : 'Accept chat'}
          </button>
        </div>
      ) : someoneElse ? (
        <div className="chat-ended">
          <p className="chat-ended-title">{chat.agent?.name ?? 'Another technician'} is handling this chat.</p>
        </div>
      ) : (
        <ChatComposer ref={composer} contactName={chat.contact.name} onSend={send} onTyping={onTyping} />
      )}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </div>
  );
}

function BackLink() {
  return (
    <Link to="/chats" className="back-link chat-back">
      <span aria-hidden="true">← </span>All chats
    </Link>
  );
}

type Mark = { text: string; icon: string; level: 'sent' | 'delivered' | 'read'; quiet: boolean };

function receiptFor(seq: number, theirs: Marks, quiet = false): Mark {
  const text = receiptOf(seq, theirs);
  return { text, icon: text === 'Sent' ? '✓' : '✓✓', level: text === 'Read' ? 'read' : text === 'Delivered' ? 'delivered' : 'sent', quiet };
}

/** My acknowledged message as the stored one will read. */
function asStored(o: Outgoing, seq: number, me: { id: string; name: string }): ChatMessage {
  return {
    seq,
    id: o.clientId,
    clientId: o.clientId,
    author: { type: 'staff', id: me.id, name: me.name },
    body: o.body,
    createdAt: o.createdAt,
    attachments: o.attachments,
  };
}

function endedText(chat: Chat, me: string): string {
  const when = chat.closedAt ? ` at ${clock(chat.closedAt)}` : '';
  if (chat.closedBy === 'contact') return `${chat.contact.name} ended the chat${when}.`;
  if (chat.closedBy === 'staff') return chat.agent?.id === me ? `You ended the chat${when}.` : `${chat.agent?.name ?? 'A technician'} ended the chat${when}.`;
  if (chat.closedBy === 'system') return `The chat ended${when} after an hour without messages.`;
  return `The chat ended${when}.`;
}

function MessageItem({ m, me, grouped, mark }: { m: ChatMessage; me: string; grouped: boolean; mark: Mark | null }) {
  if (m.author.type === 'system') {
    return (
      <li className="chat-msg from-system">
        <span className="chat-system">{m.body}</span>
        <time dateTime={m.createdAt} title={fullTime(m.createdAt)} className="chat-system-time">
          {clock(m.createdAt)}
        </time>
      </li>
    );
  }
  const staffSide = m.author.type === 'staff';
  const own = staffSide && m.author.id === me;
  const who = own ? 'You' : m.author.name || (staffSide ? 'Technician' : 'Customer');
  return (
    <li className={`chat-msg ${staffSide ? 'from-staff' : 'from-contact'}${own ? ' is-own' : ''}${grouped ? ' is-grouped' : ''}`}>
      {!grouped && !own && (
        <span className="chat-author" aria-hidden="true">
          {who}
        </span>
      )}
      <div className="chat-bubble">
        <span className="visually-hidden">{who}: </span>
        {m.body && <div className="chat-body">{m.body}</div>}
        <AttachmentList attachments={m.attachments} />
      </div>
      <div className="chat-meta">
        <time dateTime={m.createdAt} title={fullTime(m.createdAt)}>
          {clock(m.createdAt)}
        </time>
        {mark && (
          <span className={`chat-receipt is-${mark.level}${mark.quiet ? ' is-quiet' : ''}`} title={mark.text}>
            <span aria-hidden="true">{mark.icon}</span>
            <span className={mark.quiet ? 'visually-hidden' : 'chat-receipt-text'}> {mark.text}</span>
          </span>
        )}
      </div>
    </li>
  );
}
