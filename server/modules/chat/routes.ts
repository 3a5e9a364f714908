import type { FastifyInstance } from 'fastify';
import { presenceBody, sendChatMessageBody, startChatBody } from '../../../contracts/chat.ts';
import type { Ctx, Deps } from '../../platform/context.ts';
import { enforce } from '../../platform/rate-limit.ts';
import { declare, idParam, parse, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { noStore, portalCtx, staffCtx } from '../../platform/http/surfaces.ts';
import { portalFilesBase, STAFF_FILES_BASE } from '../attachments/present.ts';
import { acceptChat } from './accept-chat.ts';
import { chatAvailability } from './availability.ts';
import { closeChat } from './close-chat.ts';
import { setPresence } from './presence.ts';
import { rebaseFiles } from './present.ts';
import { currentChat, getChat, readChat, staffChatList } from './read-chats.ts';
import { sendChatMessage } from './send-message.ts';
import { startChat } from './start-chat.ts';

/**
 * Chat messages sent over HTTP (the fallback to the live connection, which has its own
 * per-connection limit): 120 a minute per person, counted across processes.
 */
const httpMessageLimit = (ctx: Ctx) => enforce(ctx.db, [{ key: `chat.http:${ctx.workspaceId}:${ctx.actor.id}`, max: 120, windowSeconds: 60 }]);

/** Portal chat API, under `/portal/:slug/api` (the live side is on `/api/live`). */
export async function portalChatRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const files = (request: { portal: { workspace: { slug: string } } | null }) => portalFilesBase(request.portal!.workspace.slug);

  app.get('/chat/availability', declare('portal', 'contact'), async (request) =>
    chatAvailability(deps.db, request.portal!.workspace),
  );

  app.get('/chats/current', declare('portal', 'contact'), async (request) => currentChat(portalCtx(deps, request)));

  app.post('/chats', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    const { chatId, message } = await startChat(ctx, request.portal!.workspace, parse(startChatBody, request.body));
    const chat = await readChat(ctx, chatId);
    reply.code(201);
    return { chat, message: rebaseFiles(message, files(request)) };
  });

  app.get('/chats/:id', declare('portal', 'contact'), async (request) => getChat(portalCtx(deps, request), idParam(request.params), files(request)));

  app.post('/chats/:id/messages', declare('portal', 'contact', KEEPS_AUTH), async (request, reply) => {
    const ctx = portalCtx(deps, request);
    await httpMessageLimit(ctx);
    const { message, duplicate } = await sendChatMessage(ctx, idParam(request.params), parse(sendChatMessageBody, request.body));
    reply.code(duplicate ? 200 : 201);
    return { message: rebaseFiles(message, files(request)) };
  });

  app.post('/chats/:id/close', declare('portal', 'contact', KEEPS_AUTH), async (request) => {
    const ctx = portalCtx(deps, request);
    const id = idParam(request.params);
    await closeChat(ctx, id);
    return { chat: await readChat(ctx, id) };
  });
}

/** Staff chat API, under `/staff/api`. */
export async function staffChatRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/chats', declare('staff', 'staff'), async (request) => staffChatList(staffCtx(deps, request)));

  app.put('/chat/presence', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const { status } = parse(presenceBody, request.body);
    await setPresence(staffCtx(deps, request), status);
    return { presence: status };
  });

  app.get('/chats/:id', declare('staff', 'staff'), async (request) => getChat(staffCtx(deps, request), idParam(request.params), STAFF_FILES_BASE));

  app.post('/chats/:id/accept', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    await acceptChat(ctx, id);
    return { chat: await readChat(ctx, id) };
  });

  app.post('/chats/:id/messages', declare('staff', 'staff', KEEPS_AUTH), async (request, reply) => {
    const ctx = staffCtx(deps, request);
    await httpMessageLimit(ctx);
    const { message, duplicate } = await sendChatMessage(ctx, idParam(request.params), parse(sendChatMessageBody, request.body));
    reply.code(duplicate ? 200 : 201);
    return { message: rebaseFiles(message, STAFF_FILES_BASE) };
  });

  app.post('/chats/:id/close', declare('staff', 'staff', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    await closeChat(ctx, id);
    return { chat: await readChat(ctx, id) };
  });
}
