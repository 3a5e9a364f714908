/**
 * One chat: its messages (merged by `seq`, each once), the contact's typing and read marks,
 * my messages from "Sending…" to stored (acknowledged over the live connection, or over HTTP
 * when it is down), and accepting, ending and the ended state.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { Attachment } from '../../../../contracts/attachments.ts';
import type { Chat, ChatMessage } from '../../../../contracts/chat.ts';
import { AttachmentList } from '../../../ui/Attachments.tsx';
import { fullTime } from '../../../ui/format.ts';
import { newClientId, useLiveTopic } from '../../../ui/live.ts';
import { ErrorAlert, Loading, PageHeading, isNotFound } from '../../components.tsx';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { useLive } from '../../live.tsx';
import { useSession } from '../../session.tsx';
import { ChatComposer, type ComposerHandle } from './Composer.tsx';
import { clock, mergeChat, mergeMessages } from './util.ts';

type Loaded = { chat: Chat; messages: ChatMessage[] };

/** One of my messages not yet stored. */
type Outgoing = {
  clientId: string;
  body: string;
  attachmentIds: string[];
  attachments: Attachment[];
  createdAt: string;
  state: 'sending' | 'failed';
  error: string | null;
};

/** How long an acknowledgement may take before the message also goes over HTTP (same clientId: stored once). */
const ACK_WAIT_MS = 8000;

export function Conversation({ id, onRead }: { id: string; onRead: (chatId: string, seq: number) => void }) {
  const { client, status, reloadQueue } = useLive();
  const { staff } = useSession();
  const location = useLocation();
  const load = useLoad<Loaded>(`/chats/${encodeURIComponent(id)}`);
  const [chat, setChat] = useState<Chat | null>(null);
  const chatRef = useRef<Chat | null>(null);
  chatRef.current = chat;
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [outbox, setOutbox] = useState<Outgoing[]>([]);
  const [typing, setTyping] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const maxSeq = useRef(0);
  const outboxRef = useRef<Outgoing[]>([]);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  /** Whether the view follows new messages (it does unless the person scrolled up). */
  const stick = useRef(true);

  useEffect(() => {
    const all = timers.current;
    return () => {
      all.forEach(clearTimeout);
      if (typingTimer.current) clearTimeout(typingTimer.current);
    };
  }, []);

  const addMessages = useCallback((incoming: ChatMessage[], keep = false) => {
    for (const m of incoming) maxSeq.current = Math.max(maxSeq.current, m.seq);
    setMessages((held) => mergeMessages(held, incoming, keep));
  }, []);

  const setOut = useCallback((fn: (o: Outgoing[]) => Outgoing[]) => {
    outboxRef.current = fn(outboxRef.current);
    setOutbox(outboxRef.current);
  }, []);

  useEffect(() => {
    if (!load.data) return;
    setChat((c) => mergeChat(c, load.data!.chat));
    addMessages(load.data.messages);
    setGone(false);
  }, [load.data, addMessages]);

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

  useLiveTopic(
    client,
    load.data ? `chat:${id}` : null,
    (frame) => {
      switch (frame.type) {
        case 'chat.message': {
          addMessages([frame.message]);
          const cid = frame.message.clientId;
          if (cid && outboxRef.current.some((o) => o.clientId === cid)) setOut((o) => o.filter((x) => x.clientId !== cid));
          if (frame.message.author.type === 'contact') {
            setTyping(null);
            if (typingTimer.current) clearTimeout(typingTimer.current);
          }
          break;
        }
        case 'chat.updated':
          if (chatRef.current && chatRef.current.status !== frame.chat.status) reloadQueue();
          setChat((c) => mergeChat(c, frame.chat));
          if (frame.chat.status === 'closed') {
            setTyping(null);
            if (frame.chat.closedBy === 'contact') setAnnouncement(`Chat closed by ${frame.chat.contact.name}.`);
          }
          break;
        case 'chat.typing':
          if (frame.from !== 'contact') break;
          setTyping(frame.name);
          if (typingTimer.current) clearTimeout(typingTimer.current);
          typingTimer.current = setTimeout(() => setTyping(null), 4000);
          break;
        case 'chat.receipt':
          setChat((c) =>
            c
              ? {
                  ...c,
                  receipts: {
                    ...c.receipts,
                    [frame.side]: {
                      delivered: Math.max(c.receipts[frame.side].delivered, frame.delivered),
                      read: Math.max(c.receipts[frame.side].read, frame.read),
                    },
                  },
                }
              : c,
          );
          break;
        case 'error':
          if (!frame.clientId && frame.code === 'not_found') setGone(true);
          break;
      }
    },
    { after: () => maxSeq.current, onResync: reload },
  );

  // ---- sending ----
  const stored = useCallback(
    (cid: string, message: ChatMessage | null, ack?: { seq: number; id: string }) => {
      const o = outboxRef.current.find((x) => x.clientId === cid);
      if (message) addMessages([message]);
      else if (o && ack) {
        // The acknowledgement carries no message: show ours until the server's copy arrives.
        addMessages(
          [
            {
              seq: ack.seq,
              id: ack.id,
              clientId: cid,
              author: { type: 'staff', id: staff.id, name: staff.name },
              body: o.body,
              createdAt: o.createdAt,
              attachments: o.attachments,
            },
          ],
          true,
        );
      }
      if (o) setOut((list) => list.filter((x) => x.clientId !== cid));
    },
    [addMessages, setOut, staff.id, staff.name],
  );

  const failed = useCallback(
    (cid: string, message: string) => {
      setOut((list) => list.map((x) => (x.clientId === cid && x.state === 'sending' ? { ...x, state: 'failed', error: message } : x)));
      setAnnouncement(`Message not sent: ${message}`);
    },
    [setOut],
  );

  const dispatch = useCallback(
    (o: Outgoing) => {
      const cid = o.clientId;
      client?.sendChat(id, o.body, o.attachmentIds, cid).then(
        (ack) => stored(cid, null, ack),
        (err: unknown) => failed(cid, err instanceof Error ? err.message : 'The message was not accepted.'),
      );
      const viaHttp = () => {
        const cur = outboxRef.current.find((x) => x.clientId === cid);
        if (!cur || cur.state !== 'sending') return;
        staffApi<{ message: ChatMessage }>(`/chats/${encodeURIComponent(id)}/messages`, {
          method: 'POST',
          body: { clientId: cid, body: o.body, attachmentIds: o.attachmentIds },
        }).then(
          (res) => stored(cid, res.message),
          (err: unknown) => {
            // A definite refusal fails the message; no answer leaves it to the live connection's retries.
            if (err instanceof ApiError && err.status >= 400 && err.status < 500) failed(cid, errorMessage(err));
          },
        );
      };
      const t = setTimeout(() => {
        timers.current.delete(t);
        viaHttp();
      }, client?.status === 'open' ? ACK_WAIT_MS : 1000);
      timers.current.add(t);
    },
    [client, id, stored, failed],
  );

  const send = useCallback(
    (body: string, attachmentIds: string[], attachments: Attachment[]) => {
      const o: Outgoing = {
        clientId: newClientId(),
        body,
        attachmentIds,
        attachments,
        createdAt: new Date().toISOString(),
        state: 'sending',
        error: null,
      };
      setOut((list) => [...list, o]);
      stick.current = true;
      dispatch(o);
    },
    [dispatch, setOut],
  );

  const retry = (cid: string) => {
    const o = outboxRef.current.find((x) => x.clientId === cid);
    if (!o) return;
    const again: Outgoing = { ...o, state: 'sending', error: null };
    setOut((list) => list.map((x) => (x.clientId === cid ? again : x)));
    dispatch(again);
  };
  const discard = (cid: string) => setOut((list) => list.filter((x) => x.clientId !== cid));

  const lastTyping = useRef(0);
  const onTyping = useCallback(() => {
    const now = Date.now();
    if (now - lastTyping.current < 2000) return;
    lastTyping.current = now;
    client?.typing(id);
  }, [client, id]);

  // ---- read marks: delivered = the highest seq held; read = the same while the page is visible ----
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', on);
    window.addEventListener('focus', on);
    return () => {
      document.removeEventListener('visibilitychange', on);
      window.removeEventListener('focus', on);
    };
  }, []);
  const top = messages.length ? messages[messages.length - 1]!.seq : 0;
  const isMine = chat?.status === 'active' && chat.agent?.id === staff.id;
  const marked = useRef({ delivered: 0, read: 0 });
  useEffect(() => {
    if (!client || !isMine || top === 0 || status !== 'open') return;
    const marks: { delivered?: number; read?: number } = {};
    if (top > marked.current.delivered) marks.delivered = top;
    if (visible && top > marked.current.read) marks.read = top;
    if (marks.delivered === undefined && marks.read === undefined) return;
    client.seen(id, marks);
    marked.current = { delivered: marks.delivered ?? marked.current.delivered, read: marks.read ?? marked.current.read };
  }, [client, status, isMine, top, visible, id]);
  useEffect(() => {
    if (visible && top > 0) onRead(id, top);
  }, [visible, top, id, onRead]);

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
      setChat((c) => mergeChat(c, res.chat));
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
      setChat((c) => mergeChat(c, res.chat));
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

  const contactReceipts = chat.receipts.contact;
  const closed = chat.status === 'closed';
  const waiting = chat.status === 'waiting';
  const someoneElse = chat.status === 'active' && chat.agent?.id !== staff.id;
  const lastOwn = [...messages].reverse().find((m) => m.author.type === 'staff');

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
          {messages.map((m, i) => {
            const prev = messages[i - 1];
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
        {outbox.length > 0 && (
          <ol className="chat-log chat-outbox" aria-label="Outgoing">
            {outbox.map((o) => (
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
                      <span aria-hidden="true">⚠ </span>Not sent{o.error ? `: ${o.error}` : ''}{' '}
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

function receiptFor(seq: number, r: { delivered: number; read: number }, quiet = false): Mark {
  if (r.read >= seq) return { text: 'Read', icon: '✓✓', level: 'read', quiet };
  if (r.delivered >= seq) return { text: 'Delivered', icon: '✓✓', level: 'delivered', quiet };
  return { text: 'Sent', icon: '✓', level: 'sent', quiet };
}

function endedText(chat: Chat, me: string): string {
  const when = chat.closedAt ? ` at ${clock(chat.closedAt)}` : '';
  if (chat.closedBy === 'contact') return `${chat.contact.name} ended the chat${when}.`;
  if (chat.closedBy === 'staff') return chat.agent?.id === me ? `You ended the chat${when}.` : `${chat.agent?.name ?? 'A technician'} ended the chat${when}.`;
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
