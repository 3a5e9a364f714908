/**
 * From the bus (this process's commits and the other processes', through the relay) to the
 * connections allowed to hear of them. Ticket events are checked per contact with the very
 * query the ticket page uses, so a push never reaches anyone the page would refuse.
 */
import type { TicketChange } from '../../../contracts/live.ts';
import type { Deps } from '../../platform/context.ts';
import type { BusMessage, DomainEvent } from '../../platform/events.ts';
import { findContactTicket } from '../tickets/queries.ts';
import { presentChat } from '../chat/present.ts';
import { countOnlineAgents, findChat } from '../chat/queries.ts';
import type { LiveConn, LiveHub } from './hub.ts';

const CHANGES: Record<string, TicketChange> = {
  'ticket.created': 'created',
  'ticket.replied': 'replied',
  'ticket.note_added': 'note',
  'ticket.status_changed': 'status',
  'ticket.priority_changed': 'priority',
  'ticket.assignee_changed': 'assignee',
  'ticket.cc_changed': 'cc',
};

/** Ticket events contacts never hear of: internal notes, and staff's own bookkeeping. */
const STAFF_ONLY = new Set(['ticket.note_added', 'ticket.portal_link_sent', 'ticket.portal_link_revoked']);

export function startFanout(deps: Deps, hub: LiveHub): () => void {
  const route = (message: BusMessage) => {
    void handle(deps, hub, message).catch((err: unknown) => deps.log.warn({ err, kind: message.kind }, 'live fan-out failed'));
  };
  return deps.bus.listen(route);
}

async function handle(deps: Deps, hub: LiveHub, m: BusMessage): Promise<void> {
  switch (m.kind) {
    case 'event':
      if (m.event.ticketId && m.event.type.startsWith('ticket.')) return ticketEvent(deps, hub, m.event);
      if (m.event.type.startsWith('chat.')) return chatEvent(deps, hub, m.event);
      return;
    case 'chat.message':
      hub.deliverChatMessage(m.chatId, m.message.seq, m.message);
      return;
    case 'chat.message.ref':
      hub.deliverChatMessage(m.chatId, m.seq, null);
      return;
    case 'chat.typing':
      for (const c of hub.onChat(m.chatId)) {
        if (c.ctx.actor.id !== m.actorId) c.socket.send({ type: 'chat.typing', chatId: m.chatId, from: m.from, name: m.name });
      }
      return;
    case 'chat.receipt':
      for (const c of hub.onChat(m.chatId)) {
        c.socket.send({ type: 'chat.receipt', chatId: m.chatId, side: m.side, delivered: m.delivered, read: m.read });
      }
      return;
    case 'presence':
      return queueChanged(deps, hub, m.workspaceId, false);
    case 'auth.changed':
    case 'domains.changed':
      return;
  }
}

async function ticketEvent(deps: Deps, hub: LiveHub, event: DomainEvent) {
  const ticketId = event.ticketId!;
  const staffOnly = STAFF_ONLY.has(event.type);
  const listeners = [...hub.inWorkspace(event.workspaceId)].filter(
    (c) => (c.tickets || c.ticketTopics.has(ticketId)) && (c.surface === 'staff' || !staffOnly),
  );
  if (!listeners.length) return;
  const change = CHANGES[event.type] ?? 'updated';
  const [row] = await deps.db.query<{ number: number }>('select number from tickets where workspace_id = $1 and id = $2', [event.workspaceId, ticketId]);
  if (!row) return;
  // Each contact once, whatever number of tabs: may they see this ticket (now, after the change)?
  const contacts = new Map<string, LiveConn>();
  for (const c of listeners) if (c.ctx.actor.type === 'contact') contacts.set(c.ctx.actor.id, c);
  const allowed = new Set<string>();
  await Promise.all(
    [...contacts.values()].map(async (c) => {
      if (c.ctx.actor.type !== 'contact') return;
      if (await findContactTicket(deps.db, event.workspaceId, c.ctx.actor, row.number)) allowed.add(c.ctx.actor.id);
    }),
  );
  for (const c of listeners) {
    if (c.ctx.actor.type === 'contact' && !allowed.has(c.ctx.actor.id)) continue;
    c.socket.send({ type: 'ticket.changed', number: row.number, change });
  }
}

async function chatEvent(deps: Deps, hub: LiveHub, event: DomainEvent) {
  const chatId = typeof event.payload.chatId === 'string' ? event.payload.chatId : null;
  if (event.type === 'chat.started' || event.type === 'chat.accepted' || event.type === 'chat.closed') {
    await queueChanged(deps, hub, event.workspaceId, event.type === 'chat.started');
  }
  if (!chatId) return;
  const on = [...hub.onChat(chatId)];
  if (!on.length) return;
  const row = await findChat(deps.db, event.workspaceId, chatId);
  if (!row) return;
  const chat = presentChat(row);
  for (const c of on) c.socket.send({ type: 'chat.updated', chat });
  // A message relayed before this event may still be missing on a connection: catch up.
  hub.deliverChatMessage(chatId, row.last_seq, null);
}

async function queueChanged(deps: Deps, hub: LiveHub, workspaceId: string, newChat: boolean) {
  const staff = [...hub.inWorkspace(workspaceId)].filter((c) => c.queue);
  if (!staff.length) return;
  const onlineAgents = await countOnlineAgents(deps.db, workspaceId);
  for (const c of staff) c.socket.send({ type: 'chats.changed', newChat, onlineAgents });
}
