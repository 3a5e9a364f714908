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
  await checkFileCount(tx, ctx, unique.length);
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

async function checkFileCount(q: Sql, ctx: Ctx, n: number): Promise<void> {
  const [ws] = await q.query<{ max: number }>('select upload_max_files as max from workspaces where id = $1', [ctx.workspaceId]);
  if (n > ws!.max) {
    throw new AppError('too_many_files', {
      message: `At most ${ws!.max} files can be attached to one message.`,
      details: { limit: ws!.max },
    });
  }
}

/**
 * The same checks as `claimAttachments`, without claiming: for a change that must refuse bad
 * input before it takes anything (a ticket number). The claim itself checks again.
 */
export async function checkClaimable(q: Sql, ctx: Ctx, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  await checkFileCount(q, ctx, unique.length);
  const [row] = await q.query<{ n: number }>(
    `select count(*)::int as n from attachments
      where workspace_id = $1 and id = any($2::text[]) and ${uploaderColumn(ctx.actor)} = $3 and attached_at is null`,
    [ctx.workspaceId, unique, ctx.actor.id],
  );
  if (row!.n !== unique.length) throw new AppError('attachment_invalid');
}
