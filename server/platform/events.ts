import { EventEmitter } from 'node:events';
import type { Sql } from './db/db.ts';
import type { Ctx } from './context.ts';
import type { ChatMessage } from '../../contracts/chat.ts';

/** A recorded domain event, as published after its transaction commits. */
export type DomainEvent = {
  id: number;
  workspaceId: string;
  type: string;
  actorType: 'contact' | 'staff' | 'system';
  actorId: string | null;
  ticketId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
};

export type NewEvent = { type: string; ticketId?: string | null; payload?: Record<string, unknown> };

/**
 * Live signals: published to connected clients but not recorded as domain events — a chat
 * message (its row in `chat_messages` is the record), typing, read receipts, presence.
 */
export type LiveSignal =
  | { kind: 'chat.message'; workspaceId: string; chatId: string; message: ChatMessage }
  /** A chat message too large to relay inline (PostgreSQL NOTIFY carries < 8 kB): receivers load it. */
  | { kind: 'chat.message.ref'; workspaceId: string; chatId: string; seq: number }
  | { kind: 'chat.typing'; workspaceId: string; chatId: string; from: 'contact' | 'staff'; actorId: string; name: string }
  | { kind: 'chat.receipt'; workspaceId: string; chatId: string; side: 'contact' | 'agent'; delivered: number; read: number }
  /** Who is online to chat changed. */
  | { kind: 'presence'; workspaceId: string }
  /** A workspace's sessions, people or settings changed: forget cached sign-ins (auth-cache.ts). */
  | { kind: 'auth.changed'; workspaceId: string }
  /** A custom domain went into or out of service: reload the domain map (domains/domain-map.ts). */
  | { kind: 'domains.changed'; workspaceId: string };

export type BusMessage = { kind: 'event'; event: DomainEvent } | LiveSignal;

/** Carries bus messages to the other processes (PostgreSQL LISTEN/NOTIFY or Redis pub/sub). */
export interface Relay {
  readonly name: string;
  /** Starts receiving other processes' messages. */
  start(deliver: (message: BusMessage) => void): Promise<void>;
  /** Sends one message to every other process; never throws (a lost push is resynced by clients). */
  send(message: BusMessage): void;
  stop(): Promise<void>;
}

/**
 * Fan-out of committed events and live signals: in this process at once, and to the other
 * processes through a relay when there is one. Realtime, notifications and webhooks listen
 * here; a message from another process is delivered exactly like a local one.
 */
export class EventBus {
  readonly #emitter = new EventEmitter({ captureRejections: false });
  #relay: Relay | null = null;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  get relayName(): string {
    return this.#relay?.name ?? 'none';
  }

  /** Fans out through `relay` from now on; messages arriving from it are delivered here. */
  async useRelay(relay: Relay): Promise<void> {
    await relay.start((message) => this.#emitter.emit('message', message));
    this.#relay = relay;
  }

  async close(): Promise<void> {
    const relay = this.#relay;
    this.#relay = null;
    await relay?.stop();
  }

  publish(event: DomainEvent): void {
    this.#send({ kind: 'event', event });
  }

  signal(message: LiveSignal): void {
    this.#send(message);
  }

  #send(message: BusMessage) {
    this.#emitter.emit('message', message);
    this.#relay?.send(message);
  }

  /** Domain events only. */
  subscribe(fn: (event: DomainEvent) => void): () => void {
    return this.listen((m) => {
      if (m.kind === 'event') fn(m.event);
    });
  }

  /** Everything: domain events and live signals, from this process and the others. */
  listen(fn: (message: BusMessage) => void): () => void {
    this.#emitter.on('message', fn);
    return () => this.#emitter.off('message', fn);
  }
}

export type Record_ = (event: NewEvent) => Promise<DomainEvent>;

/**
 * Registers an event the mutation wrote with its own statement (an insert into `events` in
 * the same statement as the change: one round trip less), to be published after the commit
 * like any recorded one.
 */
export type Adopt = (event: DomainEvent) => void;

/** Inserts one event row inside an open transaction. */
export async function insertEvent(
  tx: Sql,
  e: NewEvent & { workspaceId: string; actorType: DomainEvent['actorType']; actorId: string | null; ip?: string | null },
): Promise<DomainEvent> {
  const [row] = await tx.query<{ id: string | number; created_at: Date }>(
    `insert into events (workspace_id, type, actor_type, actor_id, ticket_id, payload, ip)
     values ($1, $2, $3, $4, $5, $6, $7) returning id, created_at`,
    [e.workspaceId, e.type, e.actorType, e.actorId, e.ticketId ?? null, JSON.stringify(e.payload ?? {}), e.ip ?? null],
  );
  return {
    id: Number(row!.id),
    workspaceId: e.workspaceId,
    type: e.type,
    actorType: e.actorType,
    actorId: e.actorId,
    ticketId: e.ticketId ?? null,
    payload: e.payload ?? {},
    createdAt: row!.created_at,
  };
}

/**
 * Runs a mutation in one transaction. `record` writes events in that same transaction;
 * they are published only after the commit, so nobody hears of a change that rolled back.
 */
export async function mutate<T>(ctx: Ctx, fn: (tx: Sql, record: Record_, adopt: Adopt) => Promise<T>): Promise<T> {
  const recorded: DomainEvent[] = [];
  const result = await ctx.db.tx((tx) =>
    fn(
      tx,
      async (e) => {
        const event = await insertEvent(tx, {
          ...e,
          workspaceId: ctx.workspaceId,
          actorType: ctx.actor.type,
          actorId: ctx.actor.id,
          ip: ctx.ip,
        });
        recorded.push(event);
        return event;
      },
      (event) => recorded.push(event),
    ),
  );
  for (const event of recorded) ctx.bus.publish(event);
  return result;
}

/**
 * A mutation that is one statement outside any transaction, so its own transaction: the
 * events that statement wrote (`adopt`) are published once it has returned, i.e. committed.
 * `fn` must run exactly one writing statement on `q`.
 */
export async function mutateInOneStatement<T>(ctx: Ctx, fn: (q: Sql, adopt: Adopt) => Promise<T>): Promise<T> {
  const adopted: DomainEvent[] = [];
  const result = await fn(ctx.db, (event) => adopted.push(event));
  for (const event of adopted) ctx.bus.publish(event);
  return result;
}
