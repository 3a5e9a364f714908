/**
 * `Idempotency-Key` for creates: a client that retries after a lost response (a timeout,
 * a dropped connection) gets the first result instead of a second ticket. The key row is
 * written in the create's own transaction, so it exists exactly when the create committed;
 * a concurrent retry waits on the key's unique index and then replays.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from './context.ts';
import type { Sql } from './db/db.ts';
import { AppError } from './errors.ts';

/** Reads the header; absent means "not idempotent", malformed is a 400. */
export function idempotencyKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new AppError('validation_failed', {
      fields: [{ field: 'Idempotency-Key', message: 'Use 1 to 255 visible ASCII characters, e.g. a UUID.' }],
    });
  }
  return value;
}

export const requestHash = (operation: string, input: unknown) =>
  createHash('sha256').update(operation).update('\0').update(JSON.stringify(input)).digest('hex');

/** Throws unless a stored key row was made by this very request. */
export function replayOf<R>(seen: { request_hash: string; operation: string; result: R }, operation: string, input: unknown): R | undefined {
  if (seen.operation !== operation || seen.request_hash !== requestHash(operation, input)) throw new AppError('idempotency_key_reused');
  return seen.result ?? undefined;
}

/**
 * The committed result of an earlier request with this key, if there is one (read only, for
 * work that must happen before the transaction); `onceFor` inside it stays the authority.
 */
export async function earlierResult<R>(q: Sql, ctx: Ctx, key: string | undefined, operation: string, input: unknown): Promise<R | undefined> {
  if (key === undefined) return undefined;
  const [seen] = await q.query<{ request_hash: string; operation: string; result: R }>(
    'select request_hash, operation, result from idempotency_keys where workspace_id = $1 and actor_id = $2 and key = $3',
    [ctx.workspaceId, ctx.actor.id, key],
  );
  return seen ? replayOf(seen, operation, input) : undefined;
}

/**
 * Runs `create` once per (workspace, actor, key). A replay with a different request body
 * is refused (`idempotency_key_reused`) rather than silently answered with another result.
 */
export async function onceFor<R>(
  tx: Sql,
  ctx: Ctx,
  key: string | undefined,
  operation: string,
  input: unknown,
  create: () => Promise<R>,
  /** The result, when it is known before `create` runs: stored with the key (one statement less). */
  known?: R,
): Promise<R> {
  if (key === undefined) return create();
  const hash = requestHash(operation, input);
  const fresh = await tx.query(
    `insert into idempotency_keys (workspace_id, actor_id, key, operation, request_hash, result)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning 1`,
    [ctx.workspaceId, ctx.actor.id, key, operation, hash, known === undefined ? 'null' : JSON.stringify(known)],
  );
  if (fresh.length === 0) {
    const [seen] = await tx.query<{ request_hash: string; operation: string; result: R }>(
      'select request_hash, operation, result from idempotency_keys where workspace_id = $1 and actor_id = $2 and key = $3',
      [ctx.workspaceId, ctx.actor.id, key],
    );
    if (!seen || seen.operation !== operation || seen.request_hash !== hash) throw new AppError('idempotency_key_reused');
    return seen.result;
  }
  const result = await create();
  if (known !== undefined) return result;
  await tx.query('update idempotency_keys set result = $4 where workspace_id = $1 and actor_id = $2 and key = $3', [
    ctx.workspaceId,
    ctx.actor.id,
    key,
    JSON.stringify(result),
  ]);
  return result;
}
