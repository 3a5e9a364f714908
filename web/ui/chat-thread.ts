/**
 * One chat's conversation, as both apps hold it (the portal's widget for the contact, the
 * Chats page for a technician): the client side of the chat protocol (contracts/live.ts,
 * contracts/chat.ts) in one place. A pure reducer and selectors, then `useChatThread`.
 *
 * What it guarantees:
 * - Exactly once, by `seq`: stored messages are kept in `seq` order and a number already held
 *   is dropped, however it arrives (live frame, HTTP answer, refetch, replay after a reconnect).
 *   A (re)subscribe asks `after` the highest `seq` held with none missing before it.
 * - One `clientId` per message: given when it is written and kept through every re-send
 *   (reconnect, HTTP fallback, Retry), so the server stores it once. It stays in the outbox
 *   until the stored copy is held (same `clientId` from this side, or its acknowledged `seq`).
 * - HTTP fallback: a message goes over the live connection and, when no acknowledgement has
 *   come in time (or the socket is down), also as `POST /chats/{id}/messages` with the same
 *   `clientId`. No answer leaves it to the socket; a refusal marks it failed.
 * - Only forward: the chat's status never goes back, receipts and read marks only grow.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Attachment } from '../../contracts/attachments.ts';
import type { Chat, ChatMessage } from '../../contracts/chat.ts';
import type { ServerFrame } from '../../contracts/live.ts';
import { ApiError, type ApiInit } from './api.ts';
import { LiveError, newClientId, useLiveStatus, useLiveTopic, type LiveClient } from './live.ts';

/** Who this browser writes as. */
export type ChatSide = 'contact' | 'staff';
/** The highest `seq` received (`delivered`) and seen (`read`). */
export type Marks = { delivered: number; read: number };
export type SendError = { code: string; message: string };

/** One of this side's messages on its way: shown at once, replaced by the stored one. */
export type Outgoing = {
  clientId: string;
  body: string;
  attachmentIds: string[];
  attachments: Attachment[];
  createdAt: string;
  /** `sent`: acknowledged (`seq` known), the stored copy not yet held. */
  state: 'sending' | 'sent' | 'failed';
  seq: number | null;
  error: SendError | null;
  /** False when sending again cannot help (the chat ended, the message was refused). */
  retryable: boolean;
};

type ThreadState = {
  side: ChatSide;
  chat: Chat | null;
  /** Stored messages, unique by `seq`, in order. */
  messages: ChatMessage[];
  outbox: Outgoing[];
  /** This side's read mark: the server's, or further if read here since. */
  read: number;
  /** The other side's name while they type. */
  typing: string | null;
};

type Action =
  /** A chat (and some of its messages) read over HTTP; another chat than the one held replaces it. */
  | { type: 'load'; chat: Chat; messages: ChatMessage[] }
  | { type: 'message'; message: ChatMessage }
  | { type: 'updated'; chat: Chat }
  | { type: 'receipt'; side: 'contact' | 'agent'; delivered: number; read: number }
  | { type: 'typing'; name: string | null }
  | { type: 'queue'; item: Outgoing }
  | { type: 'ack'; clientId: string; seq: number }
  | { type: 'failed'; clientId: string; error: SendError; retryable: boolean }
  | { type: 'resend'; clientId: string }
  | { type: 'remove'; clientId: string }
  | { type: 'read'; seq: number }
  | { type: 'reset' };

/** How long "… is typing" stays without a new signal; at most one signal sent per TYPING_EVERY_MS. */
const TYPING_SHOWN_MS = 4000;
const TYPING_EVERY_MS = 2000;
/** How long an acknowledgement may take before the message also goes over HTTP (socket open / down). */
const ACK_WAIT_MS = 6000;
const OFFLINE_WAIT_MS = 1500;
/** Refusals that a re-send cannot change. */
const FINAL_CODES = ['chat_closed', 'not_found', 'validation_failed', 'forbidden', 'payload_too_large'];

const receiptSide = (side: ChatSide) => (side === 'contact' ? 'contact' : 'agent');
const otherSide = (side: ChatSide): ChatSide => (side === 'contact' ? 'staff' : 'contact');
const maxMarks = (a: Marks, b: Marks): Marks =>
  a.delivered >= b.delivered && a.read >= b.read ? a : { delivered: Math.max(a.delivered, b.delivered), read: Math.max(a.read, b.read) };

const emptyThread = (side: ChatSide): ThreadState => ({ side, chat: null, messages: [], outbox: [], read: 0, typing: null });

/** The newer of two copies of a chat: the status only moves forward, receipts only grow. */
function mergeChat(prev: Chat | null, next: Chat): Chat {
  if (!prev || prev.id !== next.id) return next;
  const rank = { waiting: 0, active: 1, closed: 2 } as const;
  const base = rank[next.status] >= rank[prev.status] ? next : prev;
  return {
    ...base,
    ticketNumber: next.ticketNumber ?? prev.ticketNumber,
    lastSeq: Math.max(prev.lastSeq, next.lastSeq),
    receipts: { contact: maxMarks(prev.receipts.contact, next.receipts.contact), agent: maxMarks(prev.receipts.agent, next.receipts.agent) },
  };
}

/** Adds messages by `seq` (a `seq` held already is dropped), keeping the order. */
function merge(held: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const seqs = new Set(held.map((m) => m.seq));
  const fresh: ChatMessage[] = [];
  for (const m of incoming) {
    if (seqs.has(m.seq)) continue;
    seqs.add(m.seq);
    fresh.push(m);
  }
  return fresh.length ? [...held, ...fresh].sort((a, b) => a.seq - b.seq) : held;
}

/** The outbox without what the stored messages now hold. */
function settle(state: ThreadState, outbox: Outgoing[], messages: ChatMessage[]): Outgoing[] {
  if (!outbox.length) return outbox;
  const stored = new Set(messages.filter((m) => m.author.type === state.side && m.clientId).map((m) => m.clientId));
  const seqs = new Set(messages.map((m) => m.seq));
  const next = outbox.filter((o) => !stored.has(o.clientId) && !(o.seq !== null && seqs.has(o.seq)));
  return next.length === outbox.length ? outbox : next;
}

/** The state with a newer copy of its chat. */
function withChat(state: ThreadState, next: Chat): ThreadState {
  const chat = mergeChat(state.chat, next);
  return {
    ...state,
    chat,
    read: Math.max(state.read, chat.receipts[receiptSide(state.side)].read),
    typing: chat.status === 'active' ? state.typing : null,
  };
}

const mapOutbox = (state: ThreadState, clientId: string, fn: (o: Outgoing) => Outgoing): ThreadState => ({
  ...state,
  outbox: state.outbox.map((o) => (o.clientId === clientId ? fn(o) : o)),
});

function threadReducer(state: ThreadState, action: Action): ThreadState {
  switch (action.type) {
    case 'load': {
      const base = state.chat && state.chat.id !== action.chat.id ? emptyThread(state.side) : state;
      const messages = merge(base.messages, action.messages);
      return withChat({ ...base, messages, outbox: settle(base, base.outbox, messages) }, action.chat);
    }
    case 'message': {
      const messages = merge(state.messages, [action.message]);
      if (messages === state.messages) return state;
      // A message from the other side ends their "typing…".
      const typing = action.message.author.type === otherSide(state.side) ? null : state.typing;
      return { ...state, messages, outbox: settle(state, state.outbox, messages), typing };
    }
    case 'updated':
      return state.chat?.id === action.chat.id ? withChat(state, action.chat) : state;
    case 'receipt': {
      if (!state.chat) return state;
      const marks = state.chat.receipts[action.side];
      const next = maxMarks(marks, action);
      return next === marks ? state : withChat(state, { ...state.chat, receipts: { ...state.chat.receipts, [action.side]: next } });
    }
    case 'typing':
      return state.typing === action.name ? state : { ...state, typing: action.name };
    case 'queue':
      return { ...state, outbox: [...state.outbox, action.item] };
    case 'ack': {
      if (!state.outbox.some((o) => o.clientId === action.clientId && o.seq !== action.seq)) return state;
      const next = mapOutbox(state, action.clientId, (o) => ({ ...o, state: 'sent', seq: action.seq, error: null }));
      return { ...next, outbox: settle(state, next.outbox, state.messages) };
    }
    case 'failed':
      return mapOutbox(state, action.clientId, (o) =>
        o.state === 'sending' ? { ...o, state: 'failed', error: action.error, retryable: action.retryable } : o,
      );
    case 'resend':
      return mapOutbox(state, action.clientId, (o) => ({ ...o, state: 'sending', error: null }));
    case 'remove':
      return { ...state, outbox: state.outbox.filter((o) => o.clientId !== action.clientId) };
    case 'read':
      return action.seq > state.read ? { ...state, read: action.seq } : state;
    case 'reset':
      return emptyThread(state.side);
  }
}

/** The highest `seq` held with nothing missing before it: what a (re)subscribe asks after. */
function contiguousSeq(messages: ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    if (m.seq === n + 1) n = m.seq;
    else if (m.seq > n + 1) break;
  }
  return n;
}

const lastSeq = (messages: ChatMessage[]) => messages[messages.length - 1]?.seq ?? 0;

/** One line of the conversation as shown: a stored message, or one of this side's on its way. */
export type Line = { kind: 'stored'; key: string; message: ChatMessage; own: boolean } | { kind: 'outgoing'; key: string; item: Outgoing };

/** Stored messages by `seq`, acknowledged own ones in their place, the rest at the end. */
function linesOf(state: ThreadState): Line[] {
  const lines: (Line & { order: number })[] = state.messages.map((m) => ({
    kind: 'stored',
    key: `s${m.seq}`,
    message: m,
    own: m.author.type === state.side,
    order: m.seq,
  }));
  state.outbox.forEach((o, i) =>
    lines.push({ kind: 'outgoing', key: `o${o.clientId}`, item: o, order: o.seq ?? Number.MAX_SAFE_INTEGER - state.outbox.length + i }),
  );
  return lines.sort((a, b) => a.order - b.order);
}

/** How far the other side has got with a message of this side's. */
export function receiptOf(seq: number, theirs: Marks): 'Read' | 'Delivered' | 'Sent' {
  if (theirs.read >= seq) return 'Read';
  if (theirs.delivered >= seq) return 'Delivered';
  return 'Sent';
}

function useDocumentVisible(): boolean {
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
  return visible;
}

export type ChatThreadOptions = {
  client: LiveClient | null;
  side: ChatSide;
  /** The app's API call; paths are `/chats/{id}` and `/chats/{id}/messages`. */
  request: <T>(path: string, init?: ApiInit) => Promise<T>;
  /** The conversation is on screen: while the tab is visible too, what is held counts as read. */
  shown?: boolean;
  /** Whether this person's delivered/read marks go to the server for the chat held (default: yes; never once closed). */
  sendMarks?: (chat: Chat) => boolean;
  /** Each frame of the chat's topic, once taken in; `before`: the chat as held until then. */
  onFrame?: (frame: ServerFrame, before: Chat | null) => void;
  /** A message of this side's was refused. */
  onSendFailed?: (error: SendError) => void;
};

/**
 * The chat held (set by `apply` or `refresh`), subscribed on the live connection while held,
 * with this side's outbox, the other side's receipts and typing, and marks sent as read.
 */
export function useChatThread({ client, side, request, shown = true, sendMarks, onFrame, onSendFailed }: ChatThreadOptions) {
  const [state, dispatch] = useReducer(threadReducer, side, emptyThread);
  const ref = useRef(state);
  ref.current = state;
  const latest = useRef({ request, onFrame, onSendFailed });
  latest.current = { request, onFrame, onSendFailed };
  const status = useLiveStatus(client);
  const visible = useDocumentVisible();

  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const later = useCallback((fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.current.delete(t);
      fn();
    }, ms);
    timers.current.add(t);
    return () => {
      clearTimeout(t);
      timers.current.delete(t);
    };
  }, []);
  useEffect(() => {
    const all = timers.current;
    return () => all.forEach(clearTimeout);
  }, []);

  /** Takes a chat (and messages) read over HTTP. */
  const apply = useCallback((chat: Chat, messages: ChatMessage[] = []) => dispatch({ type: 'load', chat, messages }), []);
  /** Reads a chat (default: the one held) over HTTP; throws the ApiError. */
  const refresh = useCallback(async (id = ref.current.chat?.id): Promise<Chat | null> => {
    if (!id) return null;
    const res = await latest.current.request<{ chat: Chat; messages: ChatMessage[] }>(`/chats/${encodeURIComponent(id)}`);
    dispatch({ type: 'load', ...res });
    return res.chat;
  }, []);
  const reset = useCallback(() => dispatch({ type: 'reset' }), []);

  // ---- the chat's topic ----
  const stopTyping = useRef<(() => void) | null>(null);
  const chatId = state.chat?.id ?? null;
  useLiveTopic(
    client,
    chatId ? `chat:${chatId}` : null,
    (frame) => {
      const before = ref.current.chat;
      if (frame.type === 'chat.message') dispatch({ type: 'message', message: frame.message });
      if (frame.type === 'chat.updated') dispatch({ type: 'updated', chat: frame.chat });
      if (frame.type === 'chat.receipt') dispatch({ type: 'receipt', side: frame.side, delivered: frame.delivered, read: frame.read });
      if (frame.type === 'chat.typing' && frame.from !== side) {
        dispatch({ type: 'typing', name: frame.name });
        stopTyping.current?.();
        stopTyping.current = later(() => dispatch({ type: 'typing', name: null }), TYPING_SHOWN_MS);
      }
      latest.current.onFrame?.(frame, before);
    },
    // Back after a drop: the subscription brings the missed messages; the chat is read again.
    { after: () => contiguousSeq(ref.current.messages), onResync: () => void refresh().catch(() => undefined) },
  );

  // ---- delivered / read ----
  const top = lastSeq(state.messages);
  const reading = shown && visible;
  useEffect(() => {
    if (reading && top > ref.current.read) dispatch({ type: 'read', seq: top });
  }, [reading, top]);

  const sent = useRef<{ chatId: string | null } & Marks>({ chatId: null, delivered: 0, read: 0 });
  const marking = state.chat !== null && state.chat.status !== 'closed' && (sendMarks?.(state.chat) ?? true);
  useEffect(() => {
    const chat = ref.current.chat;
    if (!client || status !== 'open' || !marking || !chat || top === 0) return;
    if (sent.current.chatId !== chat.id) sent.current = { chatId: chat.id, ...chat.receipts[receiptSide(side)] };
    const before = sent.current;
    const marks: Partial<Marks> = {};
    if (top > before.delivered) marks.delivered = top;
    if (reading && top > before.read) marks.read = top;
    if (marks.delivered === undefined && marks.read === undefined) return;
    const t = setTimeout(() => {
      client.seen(chat.id, marks);
      sent.current = { chatId: chat.id, delivered: marks.delivered ?? before.delivered, read: marks.read ?? before.read };
    }, 300);
    return () => clearTimeout(t);
  }, [client, status, marking, side, top, reading, chatId]);

  // ---- sending ----
  const deliver = useCallback(
    (item: Outgoing) => {
      const id = ref.current.chat?.id;
      if (!id) return;
      let settled = false;
      let cancelFallback = () => {};
      const ok = (seq: number) => {
        settled = true;
        cancelFallback();
        dispatch({ type: 'ack', clientId: item.clientId, seq });
      };
      const fail = (error: SendError) => {
        if (settled) return;
        settled = true;
        cancelFallback();
        dispatch({ type: 'failed', clientId: item.clientId, error, retryable: !FINAL_CODES.includes(error.code) });
        latest.current.onSendFailed?.(error);
        if (error.code === 'chat_closed') refresh(id).catch(() => undefined);
      };
      const viaHttp = () =>
        latest.current
          .request<{ message: ChatMessage }>(`/chats/${encodeURIComponent(id)}/messages`, {
            method: 'POST',
            body: { clientId: item.clientId, body: item.body, attachmentIds: item.attachmentIds },
          })
          .then(
            ({ message }) => {
              dispatch({ type: 'message', message });
              ok(message.seq);
            },
            (e: unknown) => {
              // No answer while there is a socket: it keeps trying. Signed out: the app handles it.
              if (!(e instanceof ApiError) || (e.status === 0 && client) || e.status === 401) return;
              fail({ code: e.code, message: e.message });
            },
          );
      if (!client) return void viaHttp();
      client.sendChat(id, item.body, item.attachmentIds, item.clientId).then(
        (r) => ok(r.seq),
        (e: unknown) => {
          if (e instanceof LiveError && (e.code === 'closed' || e.code === 'cancelled')) return; // signed out, a new session, or removed
          fail({ code: e instanceof LiveError ? e.code : 'internal', message: e instanceof Error ? e.message : '' });
        },
      );
      const waiting = () => !settled && ref.current.outbox.some((o) => o.clientId === item.clientId && o.state === 'sending');
      cancelFallback = later(() => waiting() && void viaHttp(), client.status === 'open' ? ACK_WAIT_MS : OFFLINE_WAIT_MS);
    },
    [client, later, refresh],
  );

  const send = useCallback(
    (body: string, attachmentIds: string[] = [], attachments: Attachment[] = []) => {
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

  /** Sends a failed message again, with its `clientId`. */
  const retry = useCallback(
    (clientId: string) => {
      const item = ref.current.outbox.find((o) => o.clientId === clientId);
      if (!item) return;
      dispatch({ type: 'resend', clientId });
      deliver(item);
    },
    [deliver],
  );
  const remove = useCallback(
    (clientId: string) => {
      client?.cancelChat(clientId);
      dispatch({ type: 'remove', clientId });
    },
    [client],
  );

  const lastTyping = useRef(0);
  /** "I am typing" (throttled; only in an active chat). */
  const notifyTyping = useCallback(() => {
    const chat = ref.current.chat;
    const now = Date.now();
    if (!client || chat?.status !== 'active' || now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    client.typing(chat.id);
  }, [client]);

  const { messages, outbox, read } = state;
  const lines = useMemo(() => linesOf(state), [messages, outbox]);
  const other = otherSide(side);
  return {
    chat: state.chat,
    messages,
    outbox,
    lines,
    /** The other side's name while they type. */
    typing: state.typing,
    /** The other side's receipts. */
    theirs: state.chat?.receipts[receiptSide(other)] ?? { delivered: 0, read: 0 },
    read,
    /** Messages from the other side not read yet. */
    unread: messages.filter((m) => m.author.type === other && m.seq > read).length,
    status,
    apply,
    refresh,
    reset,
    send,
    retry,
    remove,
    notifyTyping,
  };
}
