import type { z } from 'zod';
import type { ChatMessage, startChatBody } from '../../../contracts/chat.ts';
import type { PortalCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { enforce } from '../../platform/rate-limit.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';
import { claimAttachments } from '../attachments/claim.ts';
import { chatAvailability } from './availability.ts';
import { publishMessage } from './publish.ts';

const isOpenChatConflict = (err: unknown) =>
  (err as { code?: string; constraint?: string }).code === '23505' &&
  String((err as { constraint?: string; message?: string }).constraint ?? (err as Error).message).includes('chats_open_per_contact');

/**
 * A contact starts a chat with its first message (and files). Refused when nobody can
 * answer (chat off, outside hours, no technician online) or when the contact already has
 * a chat open; the partial unique index makes two concurrent starts give one chat.
 */
export async function startChat(
  ctx: PortalCtx,
  ws: WorkspaceRow,
  input: z.infer<typeof startChatBody>,
): Promise<{ chatId: string; message: ChatMessage }> {
  await enforce(ctx.db, [{ key: `chat.start:${ctx.workspaceId}:${ctx.actor.id}`, max: 30, windowSeconds: 3600 }]);
  const availability = await chatAvailability(ctx.db, ws);
  if (!availability.available) throw new AppError('chat_unavailable', { details: { reason: availability.reason, hours: availability.hours } });
  try {
    const chat = await mutate(ctx, async (tx, record) => {
      const [open] = await tx.query<{ id: string }>(
        `select id from chats where workspace_id = $1 and contact_id = $2 and status <> 'closed'`,
        [ctx.workspaceId, ctx.actor.id],
      );
      if (open) throw new AppError('chat_already_open', { details: { chatId: open.id } });
      const [row] = await tx.query<{ id: string; created_at: Date }>(
        `insert into chats (workspace_id, client_id, contact_id, status, first_message, last_seq)
         values ($1, $2, $3, 'waiting', $4, 1) returning id, created_at`,
        [ctx.workspaceId, ctx.actor.clientId, ctx.actor.id, input.message],
      );
      const [msg] = await tx.query<{ id: string }>(
        `insert into chat_messages (workspace_id, chat_id, seq, author_type, author_contact_id, body, created_at)
         values ($1, $2, 1, 'contact', $3, $4, $5) returning id`,
        [ctx.workspaceId, row!.id, ctx.actor.id, input.message, row!.created_at],
      );
      const files = await claimAttachments(tx, ctx, input.attachmentIds, { chatId: row!.id, chatSeq: 1 });
      await record({ type: 'chat.started', payload: { chatId: row!.id, files } });
      return { id: row!.id, messageId: msg!.id, createdAt: row!.created_at, files };
    });
    const message = await publishMessage(ctx, chat.id, {
      seq: 1,
      id: chat.messageId,
      clientId: null,
      body: input.message,
      createdAt: chat.createdAt,
      hasFiles: chat.files > 0,
    });
    return { chatId: chat.id, message };
  } catch (err) {
    if (isOpenChatConflict(err)) {
      const [open] = await ctx.db.query<{ id: string }>(
        `select id from chats where workspace_id = $1 and contact_id = $2 and status <> 'closed'`,
        [ctx.workspaceId, ctx.actor.id],
      );
      throw new AppError('chat_already_open', { details: { chatId: open?.id ?? null } });
    }
    throw err;
  }
}
