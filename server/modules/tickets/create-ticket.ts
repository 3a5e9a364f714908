import type { z } from 'zod';
import type { createTicketBody } from '../../../contracts/tickets.ts';
import type { PortalCtx } from '../../platform/context.ts';
import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate, type DomainEvent } from '../../platform/events.ts';
import { failpoint } from '../../platform/failpoint.ts';
import { earlierResult, onceFor, replayOf } from '../../platform/idempotency.ts';
import { checkClaimable, claimAttachments } from '../attachments/claim.ts';

/** Hands out the workspace's next ticket number; the row lock serialises concurrent creates. */
export async function nextTicketNumber(tx: Sql, workspaceId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    'update workspaces set ticket_seq = ticket_seq + 1 where id = $1 returning ticket_seq as n',
    [workspaceId],
  );
  return row!.n;
}

/**
 * Takes the workspace's next ticket number in a statement of its own, committed on its own
 * (one round trip) without waiting for the disk (`synchronous_commit` off for that one
 * transaction), before the ticket's transaction. The counter row is locked for one statement
 * instead of until the ticket's commit, so concurrent creates in one workspace no longer
 * queue behind each other's disk flush (bench: p99 86 ms with the number taken inside the
 * ticket's transaction). Still durable: the ticket's commit is flushed after the counter's
 * (the log is sequential), so a committed ticket's number is never handed out again. A
 * create that fails after this leaves its number unused — numbers are unique and
 * increasing, with rare gaps.
 */
export async function reserveTicketNumber(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `with quick as (select set_config('synchronous_commit', 'off', true))
     update workspaces set ticket_seq = ticket_seq + 1 from quick where id = $1 returning ticket_seq as n`,
    [workspaceId],
  );
  return row!.n;
}

type KeyRow = { request_hash: string; operation: string; result: { number: number } };

/**
 * `reserveTicketNumber` and the idempotency check in one statement: the earlier request's key
 * row if this key was used, else a new number (taken only when the key is unused).
 */
async function reserveUnlessSeen(ctx: PortalCtx, key: string): Promise<{ seen: KeyRow } | { number: number }> {
  const [row] = await ctx.db.query<{ seen: KeyRow | null; n: number | null }>(
    `with seen as (select request_hash, operation, result from idempotency_keys where workspace_id = $1 and actor_id = $2 and key = $3),
          quick as (select set_config('synchronous_commit', 'off', true)),
          taken as (update workspaces set ticket_seq = ticket_seq + 1 from quick
                     where id = $1 and not exists (select 1 from seen) returning ticket_seq)
     select (select row_to_json(seen) from seen) as seen, (select ticket_seq from taken) as n`,
    [ctx.workspaceId, ctx.actor.id, key],
  );
  return row!.seen ? { seen: row!.seen } : { number: row!.n! };
}

/**
 * A contact opens a ticket from the portal. Requester and client are the signed-in
 * contact's own; nothing in the body can choose them. Files uploaded beforehand are
 * claimed in the same transaction; a retry with the same idempotency key returns the
 * first ticket.
 */
export async function createPortalTicket(
  ctx: PortalCtx,
  settings: { ticketCreation: boolean },
  input: z.infer<typeof createTicketBody>,
  idempotencyKey?: string,
): Promise<{ number: number }> {
  if (!settings.ticketCreation) throw new AppError('portal_ticket_creation_disabled');
  // The embedded database runs one transaction at a time anyway: there the number is taken
  // inside the ticket's transaction (no gaps, one transaction less).
  const reserved = ctx.db.kind === 'postgres' ? await numberBeforehand(ctx, input, idempotencyKey) : null;
  if (reserved && 'earlier' in reserved) return reserved.earlier;
  return mutate(ctx, (tx, record, adopt) => onceFor(tx, ctx, idempotencyKey, 'ticket.create', input, async () => {
    const number = reserved ? reserved.number : await nextTicketNumber(tx, ctx.workspaceId);
    if (input.attachmentIds.length === 0) {
      adopt(await insertTicketAndEvent(tx, ctx, number, input));
    } else {
      const [row] = await tx.query<{ id: string }>(
        `insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source)
         values ($1, $2, $3, $4, $5, $6, $7, 'new', 'portal') returning id`,
        [ctx.workspaceId, number, ctx.actor.clientId, ctx.actor.id, input.subject, input.description, input.priority],
      );
      const files = await claimAttachments(tx, ctx, input.attachmentIds, { ticketId: row!.id, messageId: null });
      await record({ type: 'ticket.created', ticketId: row!.id, payload: { number, source: 'portal', files } });
    }
    failpoint(ctx.config.failpoint, 'ticket.before-commit');
    return { number };
  }, reserved ? { number: reserved.number } : undefined));
}

/**
 * A ticket without files and its `ticket.created` event in one statement (the event is the
 * same as `record` would write): a round trip less for the most common create.
 */
async function insertTicketAndEvent(tx: Sql, ctx: PortalCtx, number: number, input: z.infer<typeof createTicketBody>): Promise<DomainEvent> {
  const payload = { number, source: 'portal', files: 0 };
  const [row] = await tx.query<{ ticket_id: string; id: string | number; created_at: Date }>(
    `with t as (
       insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source)
       values ($1, $2, $3, $4, $5, $6, $7, 'new', 'portal') returning id)
     insert into events (workspace_id, type, actor_type, actor_id, ticket_id, payload, ip)
     select $1, 'ticket.created', 'contact', $4, t.id, $8, $9 from t
     returning ticket_id, id, created_at`,
    [ctx.workspaceId, number, ctx.actor.clientId, ctx.actor.id, input.subject, input.description, input.priority, JSON.stringify(payload), ctx.ip],
  );
  return {
    id: Number(row!.id),
    workspaceId: ctx.workspaceId,
    type: 'ticket.created',
    actorType: 'contact',
    actorId: ctx.actor.id,
    ticketId: row!.ticket_id,
    payload,
    createdAt: row!.created_at,
  };
}

/**
 * Takes the number before the ticket's transaction (`reserveTicketNumber`). First a retry
 * that already succeeded gets its ticket, and bad files are refused (unless the same request
 * just succeeded meanwhile), so neither leaves a gap. Only two copies of one request racing
 * each other use up a number (the second gets the first's ticket).
 */
async function numberBeforehand(
  ctx: PortalCtx,
  input: z.infer<typeof createTicketBody>,
  idempotencyKey: string | undefined,
): Promise<{ number: number } | { earlier: { number: number } }> {
  try {
    await checkClaimable(ctx.db, ctx, input.attachmentIds);
  } catch (err) {
    // A retry of a create that went through: its files are claimed by now.
    const meanwhile = await earlierResult<{ number: number }>(ctx.db, ctx, idempotencyKey, 'ticket.create', input);
    if (meanwhile) return { earlier: meanwhile };
    throw err;
  }
  if (idempotencyKey === undefined) return { number: await reserveTicketNumber(ctx.db, ctx.workspaceId) };
  const r = await reserveUnlessSeen(ctx, idempotencyKey);
  if ('number' in r) return r;
  const earlier = replayOf(r.seen, 'ticket.create', input);
  // Seen but without a result: that request is still running; its transaction decides.
  return earlier ? { earlier } : { number: await reserveTicketNumber(ctx.db, ctx.workspaceId) };
}
