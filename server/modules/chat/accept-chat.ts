import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { publishMessage } from './publish.ts';
import { lockChat } from './queries.ts';

/**
 * A technician takes a waiting chat. The row lock makes two technicians accepting at once
 * give one owner; the other is told `chat_taken`. Accepting one's own chat again is a no-op.
 */
export async function acceptChat(ctx: StaffCtx, chatId: string): Promise<void> {
  const joined = await mutate(ctx, async (tx, record) => {
    const chat = await lockChat(tx, ctx.workspaceId, chatId);
    if (!chat) throw new AppError('not_found');
    if (chat.status === 'closed') throw new AppError('chat_closed');
    if (chat.status === 'active') {
      if (chat.agent_id === ctx.actor.id) return null;
      throw new AppError('chat_taken');
    }
    const seq = chat.last_seq + 1;
    await tx.query(
      `update chats set status = 'active', agent_id = $3, accepted_at = now(), last_seq = $4 where workspace_id = $1 and id = $2`,
      [ctx.workspaceId, chatId, ctx.actor.id, seq],
    );
    const body = `${ctx.actor.name} joined the chat`;
    const [row] = await tx.query<{ id: string; created_at: Date }>(
      `insert into chat_messages (workspace_id, chat_id, seq, author_type, body) values ($1, $2, $3, 'system', $4)
       returning id, created_at`,
      [ctx.workspaceId, chatId, seq, body],
    );
    await record({ type: 'chat.accepted', payload: { chatId } });
    return { seq, id: row!.id, body, createdAt: row!.created_at };
  });
  if (joined) await publishMessage(ctx, chatId, { ...joined, clientId: null, hasFiles: false, system: true });
}
