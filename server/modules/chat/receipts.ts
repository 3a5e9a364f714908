import type { Ctx } from '../../platform/context.ts';

/**
 * How far one side has received and read the other's messages. Marks only move forward
 * and never past the last message; a change is pushed to the chat's connections.
 */
export async function markSeen(ctx: Ctx, chatId: string, marks: { delivered?: number | undefined; read?: number | undefined }) {
  const side = ctx.actor.type === 'contact' ? 'contact' : 'agent';
  const who = side === 'contact' ? 'contact_id' : 'agent_id';
  const read = Math.max(0, Math.floor(marks.read ?? 0));
  const delivered = Math.max(read, Math.floor(marks.delivered ?? 0));
  const [row] = await ctx.db.query<{ delivered: number; read: number }>(
    `update chats set ${side}_delivered_seq = greatest(${side}_delivered_seq, least($4::int, last_seq)),
                      ${side}_read_seq = greatest(${side}_read_seq, least($5::int, last_seq))
      where workspace_id = $1 and id = $2 and ${who} = $3
        and (${side}_delivered_seq < least($4::int, last_seq) or ${side}_read_seq < least($5::int, last_seq))
      returning ${side}_delivered_seq as delivered, ${side}_read_seq as read`,
    [ctx.workspaceId, chatId, ctx.actor.id, delivered, read],
  );
  if (row) ctx.bus.signal({ kind: 'chat.receipt', workspaceId: ctx.workspaceId, chatId, side, delivered: row.delivered, read: row.read });
}
