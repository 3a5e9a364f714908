import type { Ctx } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { uploaderColumn } from './queries.ts';

/**
 * Inside the transaction that creates a ticket, reply, note or chat message: the caller's pending uploads
 * named in `ids` become that message's files. Any id that is not the caller's own, still
 * pending upload in this workspace fails the whole change, so a message never exists
 * without the files it was sent with (and a file is never on two messages).
 */
export async function claimAttachments(
  tx: Sql,
  ctx: Ctx,
  ids: string[],
  target: { ticketId: string; messageId: string | null } | { chatId: string; chatSeq: number },
): Promise<number> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 0;
  const [ws] = await tx.query<{ max: number }>('select upload_max_files as max from workspaces where id = $1', [ctx.workspaceId]);
  if (unique.length > ws!.max) {
    throw new AppError('too_many_files', {
      message: `At most ${ws!.max} files can be attached to one message.`,
      details: { limit: ws!.max },
    });
  }
  const [set, a, b] = 'chatId' in target
    ? ['chat_id = $3, chat_seq = $4', target.chatId, target.chatSeq]
    : ['ticket_id = $3, message_id = $4', target.ticketId, target.messageId];
  const claimed = await tx.query<{ id: string }>(
    `update attachments set ${set}, attached_at = now()
      where workspace_id = $1 and id = any($2::text[]) and ${uploaderColumn(ctx.actor)} = $5 and attached_at is null
      returning id`,
    [ctx.workspaceId, unique, a, b, ctx.actor.id],
  );
  if (claimed.length !== unique.length) throw new AppError('attachment_invalid');
  return claimed.length;
}
