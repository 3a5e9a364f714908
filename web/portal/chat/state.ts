/**
 * The contact's chat, as data: the chat, its stored messages (unique by `seq`, in order),
 * the contact's own messages not yet stored (kept by `clientId` until acknowledged), how far
 * the technician has received and read, and who is typing. Pure: a reducer and selectors.
 */
import type { Attachment } from '../../../contracts/attachments.ts';
import type { Chat, ChatMessage } from '../../../contracts/chat.ts';

/** One of the contact's messages on its way: shown at once, replaced by the stored one. */
export type Outgoing = {
  clientId: string;
  body: string;
  attachmentIds: string[];
  attachments: Attachment[];
  createdAt: string;
  state: 'sending' | 'sent' | 'failed';
  /** Once acknowledged. */
  seq: number | null;
  error: string | null;
  retryable: boolean;
};

export type ChatState = {
  chat: Chat | null;
  messages: ChatMessage[];
  outbox: Outgoing[];
  /** The technician's receipts: the highest `seq` received / read. */
  agent: { delivered: number; read: number };
  /** The contact's own read mark (what the unread count starts from). */
  read: number;
  typing: { name: string; at: number } | null;
};

export const emptyChat: ChatState = { chat: null, messages: [], outbox: [], agent: { delivered: 0, read: 0 }, read: 0, typing: null };

export type ChatAction =
  /** A chat and (some of) its messages from HTTP: the current chat, a refetch, a start. */
  | { type: 'load'; chat: Chat; messages: ChatMessage[] }
  | { type: 'message'; message: ChatMessage }
  | { type: 'updated'; chat: Chat }
  | { type: 'receipt'; side: 'contact' | 'agent'; delivered: number; read: number }
  | { type: 'typing'; name: string; at: number }
  | { type: 'typing-over' }
  | { type: 'queue'; item: Outgoing }
  | { type: 'ack'; clientId: string; seq: number }
  | { type: 'failed'; clientId: string; error: string; retryable: boolean }
  | { type: 'resend'; clientId: string }
  | { type: 'discard'; clientId: string }
  | { type: 'read'; seq: number }
  | { type: 'reset' };

/** Adds messages by `seq` (a `seq` held already is dropped), keeping the order. */
function merge(held: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const fresh = incoming.filter((m) => !held.some((h) => h.seq === m.seq));
  if (!fresh.length) return held;
  const out = [...held, ...fresh];
  out.sort((a, b) => a.seq - b.seq);
  return out.filter((m, i) => i === 0 || out[i - 1]!.seq !== m.seq);
}

/** The outbox without what the stored messages now contain. */
function settle(outbox: Outgoing[], messages: ChatMessage[]): Outgoing[] {
  if (!outbox.length) return outbox;
  const stored = new Set(messages.filter((m) => m.author.type === 'contact' && m.clientId).map((m) => m.clientId));
  const seqs = new Set(messages.map((m) => m.seq));
  const next = outbox.filter((o) => !stored.has(o.clientId) && !(o.seq !== null && seqs.has(o.seq)));
  return next.length === outbox.length ? outbox : next;
}

const maxMarks = (a: { delivered: number; read: number }, b: { delivered: number; read: number }) =>
  a.delivered >= b.delivered && a.read >= b.read ? a : { delivered: Math.max(a.delivered, b.delivered), read: Math.max(a.read, b.read) };

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'load': {
      // Another chat than the one held: start over with it.
      const base = state.chat && state.chat.id !== action.chat.id ? emptyChat : state;
      const messages = merge(base.messages, action.messages);
      return {
        ...base,
        chat: action.chat,
        messages,
        outbox: settle(base.outbox, messages),
        agent: maxMarks(base.agent, action.chat.receipts.agent),
        read: Math.max(base.read, action.chat.receipts.contact.read),
      };
    }
    case 'message': {
      const messages = merge(state.messages, [action.message]);
      if (messages === state.messages) return state;
      // A message from the technician ends their "typing…".
      const typing = action.message.author.type === 'staff' ? null : state.typing;
      return { ...state, messages, outbox: settle(state.outbox, messages), typing };
    }
    case 'updated':
      if (!state.chat || state.chat.id !== action.chat.id) return state;
      return {
        ...state,
        chat: action.chat,
        agent: maxMarks(state.agent, action.chat.receipts.agent),
        typing: action.chat.status === 'active' ? state.typing : null,
      };
    case 'receipt':
      if (action.side === 'agent') {
        const agent = maxMarks(state.agent, action);
        return agent === state.agent ? state : { ...state, agent };
      }
      return action.read > state.read ? { ...state, read: action.read } : state;
    case 'typing':
      return { ...state, typing: { name: action.name, at: action.at } };
    case 'typing-over':
      return state.typing ? { ...state, typing: null } : state;
    case 'queue':
      return { ...state, outbox: [...state.outbox, action.item] };
    case 'ack': {
      if (!state.outbox.some((o) => o.clientId === action.clientId && o.seq !== action.seq)) return state;
      const outbox = state.outbox.map((o) =>
        o.clientId === action.clientId ? { ...o, state: 'sent' as const, seq: action.seq, error: null } : o,
      );
      return { ...state, outbox: settle(outbox, state.messages) };
    }
    case 'failed':
      return {
        ...state,
        outbox: state.outbox.map((o) =>
          o.clientId === action.clientId && o.state === 'sending'
            ? { ...o, state: 'failed' as const, error: action.error, retryable: action.retryable }
            : o,
        ),
      };
    case 'resend':
      return {
        ...state,
        outbox: state.outbox.map((o) => (o.clientId === action.clientId ? { ...o, state: 'sending' as const, error: null } : o)),
      };
    case 'discard':
      return { ...state, outbox: state.outbox.filter((o) => o.clientId !== action.clientId) };
    case 'read':
      return action.seq > state.read ? { ...state, read: action.seq } : state;
    case 'reset':
      return emptyChat;
  }
}

/** The highest `seq` held with nothing missing before it: what a (re)subscribe asks after. */
export function contiguousSeq(messages: ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    if (m.seq === n + 1) n = m.seq;
    else if (m.seq > n + 1) break;
  }
  return n;
}

export const lastSeq = (messages: ChatMessage[]) => messages[messages.length - 1]?.seq ?? 0;

/** One line of the conversation as shown: a stored message, or one of the contact's on its way. */
export type Line =
  | { kind: 'stored'; key: string; message: ChatMessage; own: boolean }
  | { kind: 'outgoing'; key: string; item: Outgoing };

/** Stored messages by `seq`, acknowledged own ones in their place, the rest at the end. */
export function linesOf(state: ChatState): Line[] {
  const lines: (Line & { order: number })[] = state.messages.map((m) => ({
    kind: 'stored',
    key: `s${m.seq}`,
    message: m,
    own: m.author.type === 'contact',
    order: m.seq,
  }));
  state.outbox.forEach((o, i) =>
    lines.push({ kind: 'outgoing', key: `o${o.clientId}`, item: o, order: o.seq ?? Number.MAX_SAFE_INTEGER - state.outbox.length + i }),
  );
  lines.sort((a, b) => a.order - b.order);
  return lines;
}

/** Messages from the technician the contact has not read yet. */
export const unreadCount = (state: ChatState) => state.messages.filter((m) => m.author.type === 'staff' && m.seq > state.read).length;

/** The receipt of an own stored message, from the technician's marks. */
export function receiptOf(seq: number, agent: { delivered: number; read: number }): 'Read' | 'Delivered' | 'Sent' {
  if (agent.read >= seq) return 'Read';
  if (agent.delivered >= seq) return 'Delivered';
  return 'Sent';
}
