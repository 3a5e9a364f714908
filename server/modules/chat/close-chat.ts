import type { Ctx, Deps } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { insertEvent, mutate, type DomainEvent, type Record_ } from '../../platform/events.ts';
import { nextTicketNumber } from '../tickets/create-ticket.ts';
import { lockChat } from './queries.ts';

type LockedChat = NonNullable<Awaited<ReturnType<typeof lockChat>>>;

const subjectOf = (firstMessage: string) => {
  const line = firstMessage.split('\n').find((l) => l.trim())?.trim() ?? 'Chat';
  return `Chat: ${line.length > 80 ? `${line.slice(0, 79)}…` : line}`;
};

/**
 * The transcript becomes a ticket: requester = the contact, assigned to the technician,
 * description = the first message (with its files), then every later message as a public
 * reply by its own author at its original time, with its files. System lines ("joined")
 * are left out. An answered chat is `solved` (a reply from the contact reopens it); one
 * nobody answered is `new`, for someone to follow up.
 */
async function transcriptToTicket(tx: Sql, record: Record_, workspaceId: string, chat: LockedChat) {
  const number = await nextTicketNumber(tx, workspaceId);
  const status = chat.agent_id ? 'solved' : 'new';
  const [ticket] = await tx.query<{ id: string }>(
    `insert into tickets (workspace_id, number, client_id, requester_id, assignee_id, subject, description, priority, status, source,
                          created_at, solved_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'normal', $8, 'chat', $9, case when $8 = 'solved' then now() end) returning id`,
    [workspaceId, number, chat.client_id, chat.contact_id, chat.agent_id, subjectOf(chat.first_message), chat.first_message, status, chat.created_at],
  );
  const ticketId = ticket!.id;
  const [moved] = await tx.query<{ messages: number; files: number }>(
    `with src as (
       select seq, gen_random_uuid() as message_id, author_contact_id, author_staff_id, body, created_at
         from chat_messages where workspace_id = $1 and chat_id = $2 and seq > 1 and author_type <> 'system'),
     ins as (
       insert into ticket_messages (workspace_id, id, ticket_id, kind, public, author_contact_id, author_staff_id, body, created_at)
       select $1, message_id, $3, 'reply', true, author_contact_id, author_staff_id, body, created_at from src order by seq returning id),
     files as (
       update attachments a set ticket_id = $3, message_id = m.message_id
         from (select seq, message_id from src union all select 1, null::uuid) m
        where a.workspace_id = $1 and a.chat_id = $2 and a.chat_seq = m.seq returning a.id)
     select (select count(*)::int from ins) as messages, (select count(*)::int from files) as files`,
    [workspaceId, chat.id, ticketId],
  );
  await record({ type: 'ticket.created', ticketId, payload: { number, source: 'chat', chatId: chat.id, ...moved } });
  return { ticketId, number };
}

/** Closes a locked, open chat: the ticket, then the chat's own row and event. */
async function closeLocked(tx: Sql, record: Record_, workspaceId: string, chat: LockedChat, by: 'contact' | 'staff' | 'system') {
  const { ticketId, number } = await transcriptToTicket(tx, record, workspaceId, chat);
  await tx.query(
    `update chats set status = 'closed', closed_at = now(), closed_by = $3, ticket_id = $4 where workspace_id = $1 and id = $2`,
    [workspaceId, chat.id, by, ticketId],
  );
  await record({ type: 'chat.closed', payload: { chatId: chat.id, ticketNumber: number, by } });
}

/**
 * Either side ends the chat; it becomes a ticket in the same transaction. Closing an
 * already closed chat returns it as it is (the same ticket), so a retried close is safe.
 */
export async function closeChat(ctx: Ctx, chatId: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const chat = await lockChat(tx, ctx.workspaceId, chatId);
    if (!chat || (ctx.actor.type === 'contact' && chat.contact_id !== ctx.actor.id)) throw new AppError('not_found');
    if (chat.status === 'closed') return;
    await closeLocked(tx, record, ctx.workspaceId, chat, ctx.actor.type);
  });
}

/** An open chat with no message for this long is abandoned: it is closed into a ticket. */
export const CHAT_IDLE_MINUTES = 60;

const lastActivity = `coalesce((select m.created_at from chat_messages m where m.chat_id = c.id order by m.seq desc limit 1), c.created_at)`;

/**
 * The `chat.close-idle` job: chats (waiting or active) where nobody wrote for
 * `idleMinutes` become tickets, like a chat someone ended — an unanswered one a `new`
 * ticket for someone to follow up. Each is re-checked under its lock (a message may
 * have just arrived); events are published after each commit.
 */
export async function closeIdleChats(deps: Deps, idleMinutes = CHAT_IDLE_MINUTES): Promise<number> {
  const idle = await deps.db.query<{ workspace_id: string; id: string }>(
    `select c.workspace_id, c.id from chats c
      where c.status <> 'closed' and ${lastActivity} < now() - make_interval(mins => $1) limit 200`,
    [idleMinutes],
  );
  let closed = 0;
  for (const { workspace_id: workspaceId, id } of idle) {
    const events: DomainEvent[] = [];
    const done = await deps.db.tx(async (tx) => {
      const chat = await lockChat(tx, workspaceId, id);
      if (!chat || chat.status === 'closed') return false;
      const [still] = await tx.query(`select 1 from chats c where c.id = $1 and ${lastActivity} < now() - make_interval(mins => $2)`, [id, idleMinutes]);
      if (!still) return false;
      const record: Record_ = async (e) => {
        const event = await insertEvent(tx, { ...e, workspaceId, actorType: 'system', actorId: null });
        events.push(event);
        return event;
      };
      await closeLocked(tx, record, workspaceId, chat, 'system');
      return true;
    });
    for (const e of events) deps.bus.publish(e);
    if (done) closed++;
  }
  return closed;
}
