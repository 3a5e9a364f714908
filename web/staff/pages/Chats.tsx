/**
 * Chats: the waiting queue and my active chats on the left, the open conversation on the
 * right (on a phone, one or the other). The queue comes from the shell's live state, kept
 * current by the `chats` topic; my chats are watched for new messages and for ending.
 */
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Chat } from '../../../contracts/chat.ts';
import { useLiveTopic } from '../../ui/live.ts';
import { Avatar, ErrorAlert, Loading, PageHeading } from '../components.tsx';
import { usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useLive } from '../live.tsx';
import { Conversation } from './chat/Conversation.tsx';
import { useTicker, waitedFor } from './chat/util.ts';

export function ChatsPage() {
  const { id } = useParams();
  // Highest seq read per chat (from the open conversation) and highest seq seen from the contact (from the watchers).
  const [readUpTo, setReadUpTo] = useState<Record<string, number>>({});
  const [latest, setLatest] = useState<Record<string, number>>({});
  const onRead = useCallback((chatId: string, seq: number) => {
    setReadUpTo((r) => ((r[chatId] ?? 0) >= seq ? r : { ...r, [chatId]: seq }));
  }, []);
  const onContactMessage = useCallback((chatId: string, seq: number) => {
    setLatest((l) => ((l[chatId] ?? 0) >= seq ? l : { ...l, [chatId]: seq }));
  }, []);

  return (
    <div className={`chats-page${id ? ' has-chat' : ''}`}>
      {!id && <Title text="Chats" />}
      <ChatQueue openId={id ?? null} readUpTo={readUpTo} latest={latest} onContactMessage={onContactMessage} />
      <div className="chat-pane">
        {id ? (
          <Conversation key={id} id={id} onRead={onRead} />
        ) : (
          <div className="chat-pane-empty">
            <p className="chat-pane-empty-title">No chat open</p>
            <p className="muted">Accept a waiting chat, or pick one of yours, to see the conversation here.</p>
          </div>
        )}
      </div>
    </div>
  );
}

function Title({ text }: { text: string }) {
  usePageTitle(text);
  return null;
}

function ChatQueue({
  openId,
  readUpTo,
  latest,
  onContactMessage,
}: {
  openId: string | null;
  readUpTo: Record<string, number>;
  latest: Record<string, number>;
  onContactMessage: (chatId: string, seq: number) => void;
}) {
  const { queue, queueError, reloadQueue, presence, presenceBusy, setPresence } = useLive();
  const navigate = useNavigate();
  const [accepting, setAccepting] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const now = useTicker(1000);

  async function accept(chat: Chat) {
    setAccepting(chat.id);
    setProblem(null);
    try {
      await staffApi<{ chat: Chat }>(`/chats/${encodeURIComponent(chat.id)}/accept`, { method: 'POST' });
      reloadQueue();
      navigate(`/chats/${chat.id}`, { state: { accepted: true } });
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.is('chat_taken')
          ? `Another technician has already accepted the chat with ${chat.contact.name}.`
          : errorMessage(err),
      );
      reloadQueue();
    } finally {
      setAccepting(null);
    }
  }

  const heading = openId ? (
    <h2 className="chat-queue-title">Chats</h2>
  ) : (
    <PageHeading className="chat-queue-title">Chats</PageHeading>
  );
  const online = presence === 'online';

  return (
    <section className="chat-queue" aria-label="Chat queue">
      <div className="chat-queue-head">
        {heading}
        {queue && (
          <p className={`chat-presence-line${online ? ' is-online' : ''}`}>
            <span className="presence-dot" aria-hidden="true" />
            {online ? 'You are online' : 'You are away'}
            <span className="muted">
              {' · '}
              {queue.onlineAgents} {queue.onlineAgents === 1 ? 'technician' : 'technicians'} online
            </span>
          </p>
        )}
      </div>
      <div role="alert" className="chat-queue-alert">
        {problem && (
          <div className="alert alert-error">
            {problem}{' '}
            <button type="button" className="link-button" onClick={() => setProblem(null)}>
              Dismiss
            </button>
          </div>
        )}
      </div>
      {!queue ? (
        queueError ? (
          <div>
            <ErrorAlert error={queueError} />
            <button type="button" className="btn btn-small" onClick={() => reloadQueue()}>
              Try again
            </button>
          </div>
        ) : (
          <Loading what="chats" />
        )
      ) : (
        <>
          <section className="chat-group" aria-labelledby="waiting-heading">
            <h2 id="waiting-heading" className="chat-group-title">
              Waiting <span className="chat-count">{queue.waiting.length}</span>
            </h2>
            {queue.waiting.length === 0 ? (
              <div className="chat-empty">
                {online ? (
                  <p>Nobody is waiting. New chats appear here, with a sound.</p>
                ) : (
                  <>
                    <p>You are away — go online to receive chats.</p>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={presenceBusy || presence === null}
                      onClick={() => void setPresence('online')}
                    >
                      Go online
                    </button>
                  </>
                )}
              </div>
            ) : (
              <ul className="chat-cards" aria-labelledby="waiting-heading">
                {queue.waiting.map((c) => (
                  <li key={c.id} className={`chat-card chat-card-waiting${c.id === openId ? ' is-open' : ''}`}>
                    <div className="chat-card-top">
                      <Avatar name={c.contact.name} kind="contact" />
                      <span className="chat-card-who">
                        <Link
                          to={`/chats/${c.id}`}
                          className="chat-card-name"
                          id={`waiting-${c.id}-name`}
                          aria-current={c.id === openId ? 'page' : undefined}
                        >
                          {c.contact.name}
                        </Link>
                        <span className="chat-card-client">{c.client.name}</span>
                      </span>
                      <span className="chat-wait" title={`Waiting since ${new Date(c.createdAt).toLocaleTimeString()}`}>
                        <span className="visually-hidden">Waiting for </span>
                        {waitedFor(c.createdAt, now)}
                      </span>
                    </div>
                    <p className="chat-card-excerpt">{c.firstMessage}</p>
                    <div className="chat-card-actions">
                      <button
                        type="button"
                        className="btn btn-primary btn-small"
                        aria-describedby={`waiting-${c.id}-name`}
                        disabled={accepting !== null}
                        onClick={() => void accept(c)}
                      >
                        {accepting === c.id ? 'Accepting…' : 'Accept'}
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="chat-group" aria-labelledby="mine-heading">
            <h2 id="mine-heading" className="chat-group-title">
              My chats <span className="chat-count">{queue.mine.length}</span>
            </h2>
            {queue.mine.length === 0 ? (
              <div className="chat-empty">
                <p>No active chats.</p>
              </div>
            ) : (
              <ul className="chat-cards" aria-labelledby="mine-heading">
                {queue.mine.map((c) => {
                  const read = Math.max(c.receipts.agent.read, readUpTo[c.id] ?? 0);
                  const newest = latest[c.id] ?? (c.lastSeq > c.receipts.agent.read ? c.lastSeq : 0);
                  const unread = c.id !== openId && newest > read;
                  return (
                    <li key={c.id} className={`chat-card chat-card-mine${c.id === openId ? ' is-open' : ''}`}>
                      {c.id !== openId && <ChatWatcher chat={c} onContactMessage={onContactMessage} />}
                      <Link to={`/chats/${c.id}`} className="chat-card-link" aria-current={c.id === openId ? 'page' : undefined}>
                        <Avatar name={c.contact.name} kind="contact" />
                        <span className="chat-card-who">
                          <span className="chat-card-name">{c.contact.name}</span>
                          <span className="chat-card-client">{c.client.name}</span>
                        </span>
                        {unread && <span className="chat-unread">New message</span>}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}

/** Follows one of my chats that is not open: new messages from the contact, and its end. */
function ChatWatcher({ chat, onContactMessage }: { chat: Chat; onContactMessage: (chatId: string, seq: number) => void }) {
  const { client, reloadQueue } = useLive();
  const [after] = useState(chat.lastSeq);
  useLiveTopic(
    client,
    `chat:${chat.id}`,
    (frame) => {
      if (frame.type === 'chat.message' && frame.message.author.type === 'contact') onContactMessage(chat.id, frame.message.seq);
      if (frame.type === 'chat.updated' && frame.chat.status !== 'active') reloadQueue();
    },
    { after: () => after },
  );
  return null;
}
