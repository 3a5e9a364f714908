/**
 * What a client may say on its live connection. Every frame is parsed; subscriptions are
 * authorised with the queries of the matching HTTP routes; chat frames call the same
 * operations as the HTTP routes, as the connection's own person.
 */
import { z } from 'zod';
import { sendChatMessageBody } from '../../../contracts/chat.ts';
import type { ServerFrame, Topic } from '../../../contracts/live.ts';
import { AppError, errorCatalogue } from '../../platform/errors.ts';
import { parse } from '../../platform/http/route-config.ts';
import { presentChat } from '../chat/present.ts';
import { findChat } from '../chat/queries.ts';
import { markSeen } from '../chat/receipts.ts';
import { sendChatMessage } from '../chat/send-message.ts';
import { findContactTicket, findWorkspaceTicket } from '../tickets/queries.ts';
import type { LiveConn, LiveHub } from './hub.ts';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const topic = z.string().max(80).regex(/^(tickets|chats|ticket:[1-9]\d{0,8}|chat:[0-9a-f-]{36})$/);
const seq = z.number().int().min(0).max(2_147_483_647);

const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topic, after: seq.optional() }),
  z.object({ type: z.literal('unsubscribe'), topic }),
  // The message itself is checked by the same schema as the HTTP route, in dispatch.
  z.object({ type: z.literal('chat.send'), chatId: uuid, clientId: z.string().max(64), body: z.unknown().optional(), attachmentIds: z.unknown().optional() }),
  z.object({ type: z.literal('chat.typing'), chatId: uuid }),
  z.object({ type: z.literal('chat.seen'), chatId: uuid, delivered: seq.optional(), read: seq.optional() }),
]);

type ClientFrame = z.infer<typeof clientFrame>;

const errorFrame = (code: keyof typeof errorCatalogue, extra: { topic?: Topic; clientId?: string; message?: string } = {}): ServerFrame => ({
  type: 'error',
  code,
  message: extra.message ?? errorCatalogue[code].message,
  ...(extra.topic ? { topic: extra.topic } : {}),
  ...(extra.clientId ? { clientId: extra.clientId } : {}),
});

/** Parses one text frame; a bad frame gets a `validation_failed` error and changes nothing. */
export async function handleFrame(hub: LiveHub, conn: LiveConn, text: string): Promise<void> {
  let frame: ClientFrame;
  try {
    const parsed = clientFrame.safeParse(JSON.parse(text));
    if (!parsed.success) {
      const clientId = (JSON.parse(text) as { clientId?: unknown })?.clientId;
      conn.socket.send(errorFrame('validation_failed', typeof clientId === 'string' ? { clientId } : {}));
      return;
    }
    frame = parsed.data;
  } catch {
    conn.socket.send(errorFrame('invalid_json'));
    return;
  }
  try {
    await dispatch(hub, conn, frame);
  } catch (err) {
    const clientId = frame.type === 'chat.send' ? frame.clientId : undefined;
    const t = frame.type === 'subscribe' ? (frame.topic as Topic) : undefined;
    if (err instanceof AppError) {
      conn.socket.send(errorFrame(err.code, { message: err.message, ...(clientId ? { clientId } : {}), ...(t ? { topic: t } : {}) }));
    } else {
      conn.ctx.log.error({ err, frame: frame.type }, 'live frame failed');
      conn.socket.send(errorFrame('internal', { ...(clientId ? { clientId } : {}), ...(t ? { topic: t } : {}) }));
    }
  }
}

async function dispatch(hub: LiveHub, conn: LiveConn, frame: ClientFrame) {
  const { ctx } = conn;
  switch (frame.type) {
    case 'subscribe':
      return subscribe(hub, conn, frame.topic as Topic, frame.after ?? 0);
    case 'unsubscribe':
      return unsubscribe(hub, conn, frame.topic as Topic);
    case 'chat.send': {
      const input = parse(sendChatMessageBody, { clientId: frame.clientId, body: frame.body, attachmentIds: frame.attachmentIds });
      const { message } = await sendChatMessage(ctx, frame.chatId, input);
      conn.socket.send({ type: 'chat.ack', chatId: frame.chatId, clientId: frame.clientId, seq: message.seq, id: message.id });
      return;
    }
    case 'chat.typing':
      // Only on a chat this connection was allowed to join.
      if (!conn.chats.has(frame.chatId)) throw new AppError('not_found');
      ctx.bus.signal({
        kind: 'chat.typing',
        workspaceId: ctx.workspaceId,
        chatId: frame.chatId,
        from: ctx.actor.type === 'contact' ? 'contact' : 'staff',
        actorId: ctx.actor.id,
        name: ctx.actor.name,
      });
      return;
    case 'chat.seen':
      return markSeen(ctx, frame.chatId, { delivered: frame.delivered, read: frame.read });
  }
}

async function subscribe(hub: LiveHub, conn: LiveConn, t: Topic, after: number) {
  const { ctx } = conn;
  const actor = ctx.actor;
  if (t === 'tickets') {
    conn.tickets = true;
  } else if (t === 'chats') {
    if (actor.type !== 'staff') throw new AppError('not_found');
    conn.queue = true;
  } else if (t.startsWith('ticket:')) {
    const number = Number(t.slice('ticket:'.length));
    const ticket = actor.type === 'contact'
      ? await findContactTicket(ctx.db, ctx.workspaceId, actor, number)
      : await findWorkspaceTicket(ctx.db, ctx.workspaceId, number);
    if (!ticket) throw new AppError('not_found');
    conn.ticketTopics.set(ticket.id, number);
  } else {
    const chatId = t.slice('chat:'.length);
    if (!uuid.safeParse(chatId).success) throw new AppError('not_found');
    const row = await findChat(ctx.db, ctx.workspaceId, chatId, actor.type === 'contact' ? actor.id : undefined);
    if (!row) throw new AppError('not_found');
    hub.joinChat(conn, chatId, after, [{ type: 'subscribed', topic: t }, { type: 'chat.updated', chat: presentChat(row) }]);
    return;
  }
  conn.socket.send({ type: 'subscribed', topic: t });
}

function unsubscribe(hub: LiveHub, conn: LiveConn, t: Topic) {
  if (t === 'tickets') conn.tickets = false;
  else if (t === 'chats') conn.queue = false;
  else if (t.startsWith('ticket:')) {
    const number = Number(t.slice('ticket:'.length));
    for (const [id, n] of conn.ticketTopics) if (n === number) conn.ticketTopics.delete(id);
  } else hub.leaveChat(conn, t.slice('chat:'.length));
}
