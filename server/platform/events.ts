import { EventEmitter } from 'node:events';
import type { Sql } from './db/db.ts';
import type { Ctx } from './context.ts';

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
 * In-process fan-out of committed events. Realtime, notifications and webhooks subscribe
 * here; with several processes a LISTEN/NOTIFY or Redis relay republishes into it.
 */
export class EventBus {
  readonly #emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish(event: DomainEvent): void {
    this.#emitter.emit('event', event);
  }

  subscribe(fn: (event: DomainEvent) => void): () => void {
    this.#emitter.on('event', fn);
    return () => this.#emitter.off('event', fn);
  }
}

export type Record_ = (event: NewEvent) => Promise<DomainEvent>;

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
export async function mutate<T>(ctx: Ctx, fn: (tx: Sql, record: Record_) => Promise<T>): Promise<T> {
  const recorded: DomainEvent[] = [];
  const result = await ctx.db.tx((tx) =>
    fn(tx, async (e) => {
      const event = await insertEvent(tx, {
        ...e,
        workspaceId: ctx.workspaceId,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
        ip: ctx.ip,
      });
      recorded.push(event);
      return event;
    }),
  );
  for (const event of recorded) ctx.bus.publish(event);
  return result;
}
