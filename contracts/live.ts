/**
 * The live connection (WebSocket): shared by server and browser.
 *
 * Endpoints: `/portal/{slug}/api/live` (contact session cookie) and `/staff/api/live`
 * (staff session cookie), on the same port as everything else. The handshake is refused
 * (403) from any Origin but Portico's own, and (401) without an active session. Frames are
 * JSON text, one message each.
 *
 * Nothing is pushed until the client subscribes to a topic; every subscription is
 * authorised with the same rules as the matching HTTP route (a topic the person may not
 * see answers `error` with code `not_found`). Ticket events carry no content: they say
 * "ticket N changed" and the page refetches through HTTP, so a push can never show more
 * than the page could. Chat topics deliver the messages themselves, in `seq` order.
 */
import type { Chat, ChatMessage } from './chat.ts';

/**
 * Topics:
 * - `tickets`: any ticket the person can see changes (lists, counters);
 * - `ticket:{number}`: one ticket;
 * - `chat:{id}`: one chat (its contact, its technician; any staff while it waits);
 * - `chats` (staff only): the waiting queue and presence of the workspace.
 */
export type Topic = 'tickets' | 'chats' | `ticket:${number}` | `chat:${string}`;

export type ClientFrame =
  /** `after`: for a chat, the last `seq` the client has; it then receives every later message first. */
  | { type: 'subscribe'; topic: Topic; after?: number }
  | { type: 'unsubscribe'; topic: Topic }
  /** Acknowledged by `chat.ack` once stored; re-send with the same `clientId` after a lost ack. */
  | { type: 'chat.send'; chatId: string; clientId: string; body: string; attachmentIds?: string[] }
  | { type: 'chat.typing'; chatId: string }
  /** The highest `seq` received / shown to the person. */
  | { type: 'chat.seen'; chatId: string; delivered?: number; read?: number };

export type TicketChange = 'created' | 'replied' | 'note' | 'status' | 'priority' | 'assignee' | 'cc' | 'updated';

export type ServerFrame =
  | { type: 'hello'; surface: 'portal' | 'staff' }
  | { type: 'subscribed'; topic: Topic }
  | { type: 'error'; code: string; message: string; topic?: Topic; clientId?: string }
  /** `note` changes reach staff only. */
  | { type: 'ticket.changed'; number: number; change: TicketChange }
  | { type: 'chat.message'; chatId: string; message: ChatMessage }
  | { type: 'chat.ack'; chatId: string; clientId: string; seq: number; id: string }
  | { type: 'chat.updated'; chat: Chat }
  | { type: 'chat.typing'; chatId: string; from: 'contact' | 'staff'; name: string }
  | { type: 'chat.receipt'; chatId: string; side: 'contact' | 'agent'; delivered: number; read: number }
  /** Staff: the waiting queue changed; `newChat` when a contact has just started one (play a sound). */
  | { type: 'chats.changed'; newChat: boolean; onlineAgents: number };

/** Close codes the server uses (the client reconnects after all but 4401). */
export const CLOSE = {
  /** Session ended or signed out: sign in again. */
  unauthenticated: 4401,
  /** Too many messages per second on this connection. */
  rateLimited: 4429,
  /** Too many live connections for this session; the oldest is closed. */
  tooManyConnections: 4409,
  /** The client read too slowly and its buffer filled up. */
  tooSlow: 4408,
  /** The server is shutting down: reconnect (to another process). */
  goingAway: 1001,
} as const;

export const LIVE_LIMITS = {
  /** Largest frame accepted, bytes. */
  maxFrameBytes: 64 * 1024,
  /** Frames per second per connection (burst of `burst`). */
  framesPerSecond: 20,
  burst: 40,
  /** Open live connections per session (tabs); a new one closes the oldest. */
  connectionsPerSession: 8,
  /** Bytes queued for a slow client before it is disconnected. */
  maxBufferedBytes: 1024 * 1024,
} as const;
