/**
 * This process's live connections and what each subscribed to, indexed for fan-out. Chat
 * messages reach each connection through an ordered stream: exactly once, in `seq` order,
 * with any gap (a message relayed out of order, or missed while reconnecting) filled from
 * the database.
 */
import type { ChatMessage } from '../../../contracts/chat.ts';
import type { ServerFrame } from '../../../contracts/live.ts';
import type { Ctx } from '../../platform/context.ts';
import type { LiveSocket } from '../../platform/realtime/socket.ts';
import { loadMessages, rebaseFiles } from '../chat/present.ts';

type ChatStream = { sentSeq: number; chain: Promise<void> };

export type LiveConn = {
  id: number;
  socket: LiveSocket;
  surface: 'portal' | 'staff';
  sessionId: string;
  /** The context operations run with: workspace and person from the session, never from frames. */
  ctx: Ctx;
  filesBase: string;
  openedAt: number;
  /** `tickets` topic. */
  tickets: boolean;
  /** `ticket:{number}` topics, by ticket id. */
  ticketTopics: Map<string, number>;
  /** `chats` topic (staff). */
  queue: boolean;
  chats: Map<string, ChatStream>;
};

export class LiveHub {
  readonly conns = new Set<LiveConn>();
  readonly #byWorkspace = new Map<string, Set<LiveConn>>();
  readonly #byChat = new Map<string, Set<LiveConn>>();
  readonly #bySession = new Map<string, LiveConn[]>();
  #nextId = 1;

  nextId(): number {
    return this.#nextId++;
  }

  /** Adds a connection; returns the session's oldest one if it now has too many. */
  add(conn: LiveConn, perSession: number): LiveConn | undefined {
    this.conns.add(conn);
    const ws = this.#byWorkspace.get(conn.ctx.workspaceId) ?? new Set();
    ws.add(conn);
    this.#byWorkspace.set(conn.ctx.workspaceId, ws);
    const list = this.#bySession.get(conn.sessionId) ?? [];
    list.push(conn);
    this.#bySession.set(conn.sessionId, list);
    return list.length > perSession ? list[0] : undefined;
  }

  remove(conn: LiveConn): void {
    if (!this.conns.delete(conn)) return;
    this.#byWorkspace.get(conn.ctx.workspaceId)?.delete(conn);
    if (this.#byWorkspace.get(conn.ctx.workspaceId)?.size === 0) this.#byWorkspace.delete(conn.ctx.workspaceId);
    for (const chatId of conn.chats.keys()) this.#leaveChat(conn, chatId);
    const list = (this.#bySession.get(conn.sessionId) ?? []).filter((c) => c !== conn);
    if (list.length) this.#bySession.set(conn.sessionId, list);
    else this.#bySession.delete(conn.sessionId);
  }

  inWorkspace(workspaceId: string): Iterable<LiveConn> {
    return this.#byWorkspace.get(workspaceId) ?? [];
  }

  onChat(chatId: string): Iterable<LiveConn> {
    return this.#byChat.get(chatId) ?? [];
  }

  sessions(): string[] {
    return [...this.#bySession.keys()];
  }

  bySession(sessionId: string): LiveConn[] {
    return this.#bySession.get(sessionId) ?? [];
  }

  /** Staff with a connection open here (for the presence heartbeat). */
  staffIds(): string[] {
    const ids = new Set<string>();
    for (const c of this.conns) if (c.ctx.actor.type === 'staff') ids.add(c.ctx.actor.id);
    return [...ids];
  }

  hasStaffConnection(staffId: string): boolean {
    for (const c of this.conns) if (c.ctx.actor.type === 'staff' && c.ctx.actor.id === staffId) return true;
    return false;
  }

  /**
   * Subscribes a connection to a chat it may see, starting after `after`: the backlog
   * (everything later already stored) first, then live messages.
   */
  joinChat(conn: LiveConn, chatId: string, after: number, first: ServerFrame[]): void {
    this.#leaveChat(conn, chatId);
    const stream: ChatStream = { sentSeq: Math.max(0, Math.floor(after)), chain: Promise.resolve() };
    conn.chats.set(chatId, stream);
    const set = this.#byChat.get(chatId) ?? new Set();
    set.add(conn);
    this.#byChat.set(chatId, set);
    for (const f of first) conn.socket.send(f);
    this.#enqueue(conn, chatId, stream, async () => {
      const backlog = await loadMessages(conn.ctx.db, conn.ctx.workspaceId, chatId, conn.filesBase, stream.sentSeq);
      for (const m of backlog) this.#sendMessage(conn, chatId, stream, m);
    });
  }

  leaveChat(conn: LiveConn, chatId: string): void {
    this.#leaveChat(conn, chatId);
  }

  #leaveChat(conn: LiveConn, chatId: string) {
    conn.chats.delete(chatId);
    const set = this.#byChat.get(chatId);
    set?.delete(conn);
    if (set?.size === 0) this.#byChat.delete(chatId);
  }

  /**
   * A stored message (or, with `message` null, just its number) for every connection on the
   * chat: sent if it is the next one, dropped if already sent, or the gap filled first.
   */
  deliverChatMessage(chatId: string, seq: number, message: ChatMessage | null): void {
    for (const conn of this.onChat(chatId)) {
      const stream = conn.chats.get(chatId);
      if (!stream) continue;
      this.#enqueue(conn, chatId, stream, async () => {
        if (seq <= stream.sentSeq) return;
        if (seq === stream.sentSeq + 1 && message) {
          this.#sendMessage(conn, chatId, stream, rebaseFiles(message, conn.filesBase));
          return;
        }
        const missing = await loadMessages(conn.ctx.db, conn.ctx.workspaceId, chatId, conn.filesBase, stream.sentSeq, seq);
        for (const m of missing) this.#sendMessage(conn, chatId, stream, m);
      });
    }
  }

  #sendMessage(conn: LiveConn, chatId: string, stream: ChatStream, message: ChatMessage) {
    if (message.seq <= stream.sentSeq) return;
    conn.socket.send({ type: 'chat.message', chatId, message });
    stream.sentSeq = message.seq;
  }

  #enqueue(conn: LiveConn, chatId: string, stream: ChatStream, step: () => Promise<void>) {
    stream.chain = stream.chain.then(async () => {
      if (conn.socket.closed || conn.chats.get(chatId) !== stream) return;
      await step();
    }).catch((err: unknown) => conn.ctx.log.warn({ err, chatId }, 'chat delivery failed'));
  }
}
