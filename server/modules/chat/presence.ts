import type { StaffPresence } from '../../../contracts/chat.ts';
import type { StaffCtx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';

export async function getPresence(db: Sql, workspaceId: string, staffId: string): Promise<StaffPresence> {
  const [row] = await db.query<{ p: StaffPresence }>('select chat_presence as p from staff where workspace_id = $1 and id = $2', [workspaceId, staffId]);
  return row?.p ?? 'away';
}

/** A technician says they are online (chats may be started) or away. */
export async function setPresence(ctx: StaffCtx, status: StaffPresence): Promise<void> {
  await ctx.db.query('update staff set chat_presence = $3 where workspace_id = $1 and id = $2', [ctx.workspaceId, ctx.actor.id, status]);
  ctx.bus.signal({ kind: 'presence', workspaceId: ctx.workspaceId });
}

/** Heartbeat: these technicians have a live connection open on this process. */
export async function touchLive(db: Sql, staffIds: string[]): Promise<void> {
  if (staffIds.length) await db.query('update staff set live_seen_at = now() where id = any($1::uuid[])', [staffIds]);
}

/**
 * The last connection of a technician on this process closed: let their mark lapse within
 * the next heartbeat unless another process still holds a connection and refreshes it.
 */
export async function releaseLive(db: Sql, staffId: string): Promise<void> {
  await db.query(`update staff set live_seen_at = least(live_seen_at, now() - interval '46 seconds') where id = $1`, [staffId]);
}
