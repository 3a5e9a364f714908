/**
 * Rate limits shared by every process: fixed-window counters in the database, so several
 * Portico processes behind a load balancer count together.
 */
import type { Sql } from './db/db.ts';
import { AppError } from './errors.ts';

/** Counts one hit on `key` in a window of `windowSeconds`; returns the hits so far in the window. */
export async function hit(db: Sql, key: string, windowSeconds: number): Promise<number> {
  const [row] = await db.query<{ hits: number }>(
    `insert into rate_limits (key, window_start, hits) values ($1, now(), 1)
     on conflict (key) do update set
       hits = case when rate_limits.window_start <= now() - make_interval(secs => $2) then 1 else rate_limits.hits + 1 end,
       window_start = case when rate_limits.window_start <= now() - make_interval(secs => $2) then now() else rate_limits.window_start end
     returning hits`,
    [key, windowSeconds],
  );
  return row!.hits;
}

export type Limit = { key: string; max: number; windowSeconds: number };

/** Refuses with 429 when any limit is exceeded (each is counted either way). */
export async function enforce(db: Sql, limits: Limit[]): Promise<void> {
  let exceeded = false;
  for (const l of limits) if ((await hit(db, l.key, l.windowSeconds)) > l.max) exceeded = true;
  if (exceeded) throw new AppError('rate_limited');
}

/**
 * Gives back one hit on each key, for an attempt that turned out legitimate (a correct
 * password): the count then holds the failures only. It is given back after the attempt, so
 * attempts in flight at once have all been counted and checked first.
 */
export async function forgive(db: Sql, keys: string[]): Promise<void> {
  if (keys.length) await db.query(`update rate_limits set hits = greatest(hits - 1, 0) where key = any($1)`, [keys]);
}

/**
 * Soft limit for one account or address hit from many places: never refuses (that would let
 * anyone lock the owner out), only slows each further attempt a little more, up to 3 s.
 */
export async function slowDown(db: Sql, key: string, freeHits: number, windowSeconds: number): Promise<number> {
  const n = await hit(db, key, windowSeconds);
  if (n <= freeHits) return 0;
  const ms = Math.min(3000, 100 * 2 ** Math.min(n - freeHits - 1, 5));
  await new Promise((r) => setTimeout(r, ms));
  return ms;
}

/** Email-sending requests per address: over the limit, the request is answered the same but sends nothing. */
export async function underMailLimit(db: Sql, key: string, max = 5, windowSeconds = 3600): Promise<boolean> {
  return (await hit(db, key, windowSeconds)) <= max;
}
