import type { Chat, ChatMessage, StaffChatList } from '../../../contracts/chat.ts';
import type { Ctx, StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { getPresence } from './presence.ts';
import { loadMessages, presentChat } from './present.ts';
import { countOnlineAgents, findChat, findOpenChat, listAgentChats, listWaitingChats } from './queries.ts';

/** One chat with its messages: a contact's own, or any of the workspace's for staff. */
export async function getChat(ctx: Ctx, chatId: string, filesBase: string): Promise<{ chat: Chat; messages: ChatMessage[] }> {
  const chat = await readChat(ctx, chatId);
  return { chat, messages: await loadMessages(ctx.db, ctx.workspaceId, chatId, filesBase) };
}

/** One chat without its messages (what accept, close and start answer). */
export async function readChat(ctx: Ctx, chatId: string): Promise<Chat> {
  const row = await findChat(ctx.db, ctx.workspaceId, chatId, ctx.actor.type === 'contact' ? ctx.actor.id : undefined);
  if (!row) throw new AppError('not_found');
  return presentChat(row);
}

export async function currentChat(ctx: Ctx): Promise<{ chat: Chat | null }> {
  const row = await findOpenChat(ctx.db, ctx.workspaceId, ctx.actor.id);
  return { chat: row ? presentChat(row) : null };
}

export async function staffChatList(ctx: StaffCtx): Promise<StaffChatList> {
  const [waiting, mine, presence, onlineAgents] = await Promise.all([
    listWaitingChats(ctx.db, ctx.workspaceId),
    listAgentChats(ctx.db, ctx.workspaceId, ctx.actor.id),
    getPresence(ctx.db, ctx.workspaceId, ctx.actor.id),
    countOnlineAgents(ctx.db, ctx.workspaceId),
  ]);
  return { waiting: waiting.map(presentChat), mine: mine.map(presentChat), presence, onlineAgents };
}
