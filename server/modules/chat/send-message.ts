import type { z } from 'zod';
import type { ChatMessage, sendChatMessageBody } from '../../../contracts/chat.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { failpoint } from '../../platform/failpoint.ts';
import { claimAttachments } from '../attachments/claim.ts';
import { publishMessage } from './publish.ts';
import { lockChat } from './queries.ts';

/**
 * One chat message from the contact or the chat's technician. Stored under the chat's row
 * lock with the next sequence number before it is acknowledged; the same `clientId` from
 * the same side again (a re-send after a lost acknowledgement) returns the stored message
 * and publishes it again (receivers drop sequence numbers they have), so a message is
 * never stored twice and never lost between commit and fan-out.
 */
export async function sendChatMessage(
  ctx: Ctx,
  chatId: string,
  input: z.infer<typeof sendChatMessageBody>,
): Promise<{ message: ChatMessage; duplicate: boolean }> {
  const side = ctx.actor.type;
  const stored = await ctx.db.tx(async (tx) => {
    const chat = await lockChat(tx, ctx.workspaceId, chatId);
    if (!chat || (side === 'contact' && chat.contact_id !== ctx.actor.id)) throw new AppError('not_found');
    if (side === 'staff' && chat.agent_id !== ctx.actor.id) {
      if (chat.status === 'closed') throw new AppError('chat_closed');
      throw new AppError('forbidden', {
        message: chat.status === 'waiting' ? 'Accept the chat before writing in it.' : 'Another technician is handling this chat.',
      });
    }
    const [dup] = await tx.query<{ seq: number; id: string; body: string; created_at: Date; files: number }>(
      `select m.seq, m.id, m.body, m.created_at,
              (select count(*)::int from attachments a where a.chat_id = m.chat_id and a.chat_seq = m.seq) as files
         from chat_messages m where m.chat_id = $1 and m.author_type = $2 and m.client_msg_id = $3`,
      [chatId, side, input.clientId],
    );
    if (dup) return { ...dup, duplicate: true };
    if (chat.status === 'closed') throw new AppError('chat_closed');
    const seq = chat.last_seq + 1;
    await tx.query('update chats set last_seq = $2 where id = $1', [chatId, seq]);
    const [row] = await tx.query<{ id: string; created_at: Date }>(
      `insert into chat_messages (workspace_id, chat_id, seq, client_msg_id, author_type, author_contact_id, author_staff_id, body)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id, created_at`,
      [ctx.workspaceId, chatId, seq, input.clientId, side, side === 'contact' ? ctx.actor.id : null, side === 'staff' ? ctx.actor.id : null, input.body],
    );
    const files = await claimAttachments(tx, ctx, input.attachmentIds, { chatId, chatSeq: seq });
    return { seq, id: row!.id, body: input.body, created_at: row!.created_at, files, duplicate: false };
  });
  failpoint(ctx.config.failpoint, 'chat.after-commit');
  const message = await publishMessage(ctx, chatId, {
    seq: stored.seq,
    id: stored.id,
    clientId: input.clientId,
    body: stored.body,
    createdAt: stored.created_at,
    hasFiles: stored.files > 0,
  });
  return { message, duplicate: stored.duplicate };
}
