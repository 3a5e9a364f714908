/**
 * The contact's chat, kept for the whole signed-in session (the widget lives in the page
 * frame): the current chat from HTTP, then its topic on the live connection — subscribed
 * with the last `seq` held, so a reconnect brings exactly what was missed — messages sent
 * over the socket with an HTTP fallback, typing, and delivered/read marks.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Attachment } from '../../../contracts/attachments.ts';
import type { Chat, ChatAvailability, ChatMessage } from '../../../contracts/chat.ts';
import type { ServerFrame } from '../../../contracts/live.ts';
import { ApiError } from '../../ui/api.ts';
import { LiveError, newClientId, useLiveStatus, useLiveTopic } from '../../ui/live.ts';
import { useLive } from '../live.tsx';
import { useSession } from '../session.tsx';
import { chatReducer, contiguousSeq, emptyChat, lastSeq, unreadCount, type Outgoing } from './state.ts';

export { CHAT_MESSAGE_MAX_CHARS as CHAT_TEXT_MAX } from '../../../contracts/constants.ts';
/** How long "Alex is typing…" stays without a new typing signal. */
const TYPING_SHOWN_MS = 4000;
/** At most one typing signal per this long. */
const TYPING_EVERY_MS = 2000;

export type Availability =
  | { status: 'unknown' }
  | { status: 'loading'; value?: ChatAvailability }
  | { status: 'ready'; value: ChatAvailability }
  | { status: 'failed'; message: string; value?: ChatAvailability };

/** Words for the codes a chat request or frame can fail with. */
export function chatErrorText(code: string, fallback: string): string {
  switch (code) {
    case 'rate_limited':
      return 'You’re sending messages too quickly. Wait a moment, then try again.';
    case 'chat_closed':
      return 'This chat has ended, so the message was not sent.';
    case 'not_found':
      return 'This chat could not be found. It may have ended.';
    case 'network_error':
      return 'Cannot reach the server. Check your connection and try again.';
    default:
      return fallback || 'Something went wrong. Try again.';
  }
}
const FINAL_CODES = ['chat_closed', 'not_found', 'validation_failed', 'forbidden', 'payload_too_large'];

function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  return visible;
}

export function useChat({ open }: { open: boolean }) {
  const { request } = useSession();
  const live = useLive();
  const liveStatus = useLiveStatus(live);
  const visible = useDocumentVisible();
  const [state, dispatch] = useReducer(chatReducer, emptyChat);
  const stateRef = useRef(state);
  stateRef.current = state;
  const openRef = useRef(open);
  openRef.current = open;

  const [current, setCurrent] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [availability, setAvailability] = useState<Availability>({ status: 'unknown' });
  /** A problem to show in the panel (an `error` frame, a failed action). */
  const [notice, setNotice] = useState<string | null>(null);
  /** For a polite live region outside the panel: what happened while it may be closed. */
  const [announcement, setAnnouncement] = useState('');

  const loadChat = useCallback(
    async (id: string) => {
      const { chat, messages } = await request<{ chat: Chat; messages: ChatMessage[] }>(`/chats/${encodeURIComponent(id)}`);
      dispatch({ type: 'load', chat, messages });
      return chat;
    },
    [request],
  );

  /** Reads the contact's waiting or active chat (one started in another tab, too). */
  const loadCurrent = useCallback(
    async ({ quiet = false }: { quiet?: boolean } = {}) => {
      if (!quiet) setCurrent('loading');
      try {
        const { chat } = await request<{ chat: Chat | null }>('/chats/current');
        if (chat && chat.id !== stateRef.current.chat?.id) await loadChat(chat.id);
        setCurrent('ready');
      } catch {
        if (!quiet) setCurrent('failed');
      }
    },
    [request, loadChat],
  );

  const checkAvailability = useCallback(async () => {
    setAvailability((a) => ({ status: 'loading', value: 'value' in a ? a.value : undefined }));
    try {
      const value = await request<ChatAvailability>('/chat/availability');
      setAvailability({ status: 'ready', value });
      return value;
    } catch (e) {
      const message = e instanceof ApiError ? e.message : 'Something went wrong.';
      setAvailability((a) => ({ status: 'failed', message, value: 'value' in a ? a.value : undefined }));
      return null;
    }
  }, [request]);

  useEffect(() => {
    void loadCurrent();
    // Known up front, so a workspace without chat shows no launcher at all.
    void checkAvailability();
  }, [loadCurrent, checkAvailability]);

  // Back to this tab with no chat held: one may have been started in another tab meanwhile.
  useEffect(() => {
    const onFocus = () => {
      if (document.visibilityState === 'visible' && !stateRef.current.chat) void loadCurrent({ quiet: true });
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    return () => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    };
  }, [loadCurrent]);

  // ---- live ----
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (typingTimer.current && clearTimeout(typingTimer.current)), []);

  const onFrame = (frame: ServerFrame) => {
    switch (frame.type) {
      case 'chat.message':
        dispatch({ type: 'message', message: frame.message });
        if (frame.message.author.type === 'staff' && !openRef.current) {
          setAnnouncement(`New chat message from ${frame.message.author.name}.`);
        }
        break;
      case 'chat.updated': {
        const before = stateRef.current.chat;
        dispatch({ type: 'updated', chat: frame.chat });
        if (before && before.status !== frame.chat.status) {
          if (frame.chat.status === 'active') setAnnouncement(`${frame.chat.agent?.name ?? 'A technician'} joined the chat.`);
          if (frame.chat.status === 'closed') {
            setAnnouncement(
              frame.chat.ticketNumber ? `The chat has ended. It was saved as ticket #${frame.chat.ticketNumber}.` : 'The chat has ended.',
            );
          }
        }
        break;
      }
      case 'chat.typing':
        if (frame.from !== 'staff') break;
        dispatch({ type: 'typing', name: frame.name, at: Date.now() });
        if (typingTimer.current) clearTimeout(typingTimer.current);
        typingTimer.current = setTimeout(() => dispatch({ type: 'typing-over' }), TYPING_SHOWN_MS);
        break;
      case 'chat.receipt':
        dispatch({ type: 'receipt', side: frame.side, delivered: frame.delivered, read: frame.read });
        break;
      case 'error': {
        if (frame.clientId) break; // a message's own failure: shown on that message
        setNotice(chatErrorText(frame.code, frame.message));
        const id = stateRef.current.chat?.id;
        if (id && (frame.code === 'chat_closed' || frame.code === 'not_found')) loadChat(id).catch(() => undefined);
        break;
      }
      default:
        break;
    }
  };

  const chatId = state.chat?.id ?? null;
  useLiveTopic(live, chatId ? `chat:${chatId}` : null, onFrame, {
    after: () => contiguousSeq(stateRef.current.messages),
    // Back after a drop: the subscription brings the missed messages; the chat itself
    // (status, technician, receipts) is read again.
    onResync: () => {
      const id = stateRef.current.chat?.id;
      if (id) loadChat(id).catch(() => undefined);
    },
  });

  // Connection-wide errors (too many frames…) while a chat is open.
  useEffect(() => {
    if (!live) return;
    const off = live.onError((frame) => {
      if (stateRef.current.chat) setNotice(chatErrorText(frame.code, frame.message));
    });
    return () => void off();
  }, [live]);

  // No live connection for a while (a proxy that blocks WebSockets, say): read the chat
  // every few seconds instead, so it still works.
  const chatOpen = state.chat !== null && state.chat.status !== 'closed';
  useEffect(() => {
    if (!chatId || !chatOpen || liveStatus === 'open') return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = setTimeout(() => {
      timer = setInterval(() => void loadChat(chatId).catch(() => undefined), 5000);
    }, 8000);
    return () => {
      clearTimeout(start);
      if (timer) clearInterval(timer);
    };
  }, [chatId, chatOpen, liveStatus, loadChat]);

  // ---- delivered / read ----
  const top = lastSeq(state.messages);
  const reading = open && visible;
  useEffect(() => {
    if (reading && top > stateRef.current.read) dispatch({ type: 'read', seq: top });
  }, [reading, top]);

  const sentMarks = useRef<{ chatId: string | null; delivered: number; read: number }>({ chatId: null, delivered: 0, read: 0 });
  useEffect(() => {
    const chat = stateRef.current.chat;
    if (!live || liveStatus !== 'open' || !chat || chat.status === 'closed' || top === 0) return;
    if (sentMarks.current.chatId !== chat.id) {
      sentMarks.current = { chatId: chat.id, delivered: chat.receipts.contact.delivered, read: chat.receipts.contact.read };
    }
    const sent = sentMarks.current;
    const marks: { delivered?: number; read?: number } = {};
    if (top > sent.delivered) marks.delivered = top;
    if (reading && top > sent.read) marks.read = top;
    if (marks.delivered === undefined && marks.read === undefined) return;
    const t = setTimeout(() => {
      live.seen(chat.id, marks);
      sentMarks.current = { chatId: chat.id, delivered: marks.delivered ?? sent.delivered, read: marks.read ?? sent.read };
    }, 300);
    return () => clearTimeout(t);
  }, [live, liveStatus, top, reading, chatId]);

  // ---- sending ----
  const deliver = useCallback(
    (item: Outgoing) => {
      const id = stateRef.current.chat?.id;
      if (!id) return;
      let settled = false;
      let fallback: ReturnType<typeof setTimeout> | null = null;
      const ok = (seq: number) => {
        settled = true;
        if (fallback) clearTimeout(fallback);
        dispatch({ type: 'ack', clientId: item.clientId, seq });
      };
      const fail = (code: string, message: string) => {
        if (settled) return;
        settled = true;
        if (fallback) clearTimeout(fallback);
        dispatch({ type: 'failed', clientId: item.clientId, error: chatErrorText(code, message), retryable: !FINAL_CODES.includes(code) });
        if (code === 'chat_closed') loadChat(id).catch(() => undefined);
      };
      // The same message over HTTP (the same clientId, so it is stored once whichever
      // arrives first): when the socket is down, or its acknowledgement is slow.
      const viaHttp = () =>
        request<{ message: ChatMessage }>(`/chats/${encodeURIComponent(id)}/messages`, {
          method: 'POST',
          body: { clientId: item.clientId, body: item.body, attachmentIds: item.attachmentIds },
        }).then(
          ({ message }) => {
            dispatch({ type: 'message', message });
            ok(message.seq);
          },
          (e: unknown) => {
            if (!(e instanceof ApiError)) return;
            // No answer: the socket keeps trying; a definite refusal ends it.
            if (e.status === 0 && live) return;
            if (e.status === 401) return;
            fail(e.code, e.message);
          },
        );
      if (!live) {
        void viaHttp();
        return;
      }
      live.sendChat(id, item.body, item.attachmentIds, item.clientId).then(
        (r) => ok(r.seq),
        (e: unknown) => {
          if (e instanceof LiveError && e.code === 'closed') return; // signed out, or a new session
          fail(e instanceof LiveError ? e.code : 'internal', e instanceof Error ? e.message : '');
        },
      );
      fallback = setTimeout(() => !settled && void viaHttp(), live.status === 'open' ? 6000 : 1500);
    },
    [live, request, loadChat],
  );

  const send = useCallback(
    (body: string, attachments: Attachment[], attachmentIds: string[]) => {
      const item: Outgoing = {
        clientId: newClientId(),
        body,
        attachmentIds,
        attachments,
        createdAt: new Date().toISOString(),
        state: 'sending',
        seq: null,
        error: null,
        retryable: true,
      };
      dispatch({ type: 'queue', item });
      deliver(item);
    },
    [deliver],
  );

  const retry = useCallback(
    (clientId: string) => {
      const item = stateRef.current.outbox.find((o) => o.clientId === clientId);
      if (!item) return;
      dispatch({ type: 'resend', clientId });
      deliver(item);
    },
    [deliver],
  );

  const discard = useCallback((clientId: string) => dispatch({ type: 'discard', clientId }), []);

  const lastTyping = useRef(0);
  const typing = useCallback(() => {
    const chat = stateRef.current.chat;
    if (!live || !chat || chat.status !== 'active') return;
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    live.typing(chat.id);
  }, [live]);

  /** Starts a chat with its first message. Throws the server's ApiError. */
  const start = useCallback(
    async (message: string, attachmentIds: string[], headers: Record<string, string>) => {
      const res = await request<{ chat: Chat; message: ChatMessage }>('/chats', {
        method: 'POST',
        body: { message, attachmentIds },
        headers,
      });
      dispatch({ type: 'load', chat: res.chat, messages: [res.message] });
      setAnnouncement('Your chat has started. Waiting for a technician.');
      return res.chat;
    },
    [request],
  );

  /** Ends the chat (either state); the server turns it into a ticket. */
  const end = useCallback(async () => {
    const id = stateRef.current.chat?.id;
    if (!id) return;
    const { chat } = await request<{ chat: Chat }>(`/chats/${encodeURIComponent(id)}/close`, { method: 'POST' });
    dispatch({ type: 'updated', chat });
  }, [request]);

  /** After a closed chat: back to "start a chat" (the widget then asks for availability). */
  const reset = useCallback(() => {
    dispatch({ type: 'reset' });
    setNotice(null);
  }, []);

  return {
    state,
    current,
    availability,
    liveStatus: live ? liveStatus : null,
    notice,
    setNotice,
    announcement,
    unread: unreadCount(state),
    loadCurrent,
    loadChat,
    checkAvailability,
    send,
    retry,
    discard,
    typing,
    start,
    end,
    reset,
  };
}

export type ChatController = ReturnType<typeof useChat>;
