import type { ChatMessage } from '../../../contracts/chat.ts';
import type { Ctx } from '../../platform/context.ts';
import { loadMessages } from './present.ts';

/**
 * After the commit: a stored chat message to every connection on the chat, in every
 * process. Files are loaded for their names and types; links are rebased per connection.
 */
export async function publishMessage(
  ctx: Ctx,
  chatId: string,
  m: { seq: number; id: string; clientId: string | null; body: string; createdAt: Date; hasFiles: boolean; system?: boolean },
): Promise<ChatMessage> {
  const message: ChatMessage = m.hasFiles
    ? (await loadMessages(ctx.db, ctx.workspaceId, chatId, '', m.seq - 1, m.seq))[0]!
    : {
        seq: m.seq,
        id: m.id,
        clientId: m.clientId,
        author: m.system ? { type: 'system', id: null, name: '' } : { type: ctx.actor.type, id: ctx.actor.id, name: ctx.actor.name },
        body: m.body,
        createdAt: new Date(m.createdAt).toISOString(),
        attachments: [],
      };
  ctx.bus.signal({ kind: 'chat.message', workspaceId: ctx.workspaceId, chatId, message });
  return message;
}
