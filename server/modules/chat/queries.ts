/**
 * Tenant-bound data access for chats. Every query takes the workspace id; the contact's
 * queries also their own id, so a chat of someone else is simply not found.
 */
import type { Sql } from '../../platform/db/db.ts';
import { attachmentColumns, type AttachmentRow } from '../attachments/queries.ts';

export type ChatRow = {
  id: string;
  status: 'waiting' | 'active' | 'closed';
  contact_id: string;
  contact_name: string;
  contact_email: string;
  client_id: string;
  client_name: string;
  agent_id: string | null;
  agent_name: string | null;
  first_message: string;
  last_seq: number;
  contact_delivered_seq: number;
  contact_read_seq: number;
  agent_delivered_seq: number;
  agent_read_seq: number;
  created_at: Date;
  accepted_at: Date | null;
  closed_at: Date | null;
  closed_by: 'contact' | 'staff' | 'system' | null;
  ticket_number: number | null;
};

export type ChatMessageRow = {
  seq: number;
  id: string;
  client_msg_id: string | null;
  author_type: 'contact' | 'staff' | 'system';
  author_contact_id: string | null;
  author_staff_id: string | null;
  author_name: string | null;
  body: string;
  created_at: Date;
};

const chatColumns = `c.id, c.status, c.contact_id, ct.name as contact_name, ct.email::text as contact_email,
  c.client_id, cl.name as client_name, c.agent_id, st.name as agent_name, c.first_message, c.last_seq,
  c.contact_delivered_seq, c.contact_read_seq, c.agent_delivered_seq, c.agent_read_seq,
  c.created_at, c.accepted_at, c.closed_at, c.closed_by, t.number as ticket_number`;

const chatJoins = `join contacts ct on ct.workspace_id = c.workspace_id and ct.id = c.contact_id
  join clients cl on cl.workspace_id = c.workspace_id and cl.id = c.client_id
  left join staff st on st.workspace_id = c.workspace_id and st.id = c.agent_id
  left join tickets t on t.workspace_id = c.workspace_id and t.id = c.ticket_id`;

/** One chat of the workspace; `contactId` limits it to that contact's own chats. */
export async function findChat(db: Sql, workspaceId: string, id: string, contactId?: string): Promise<ChatRow | undefined> {
  const [row] = await db.query<ChatRow>(
    `select ${chatColumns} from chats c ${chatJoins}
      where c.workspace_id = $1 and c.id = $2 ${contactId ? 'and c.contact_id = $3' : ''}`,
    contactId ? [workspaceId, id, contactId] : [workspaceId, id],
  );
  return row;
}

/** Locks the chat row: messages, acceptance and closing of one chat happen one at a time. */
export async function lockChat(tx: Sql, workspaceId: string, id: string) {
  const [row] = await tx.query<{ id: string; status: ChatRow['status']; contact_id: string; client_id: string; agent_id: string | null; last_seq: number; ticket_id: string | null; created_at: Date; first_message: string }>(
    `select id, status, contact_id, client_id, agent_id, last_seq, ticket_id, created_at, first_message
       from chats where workspace_id = $1 and id = $2 for update`,
    [workspaceId, id],
  );
  return row;
}

/** The contact's waiting or active chat, if any. */
export async function findOpenChat(db: Sql, workspaceId: string, contactId: string): Promise<ChatRow | undefined> {
  const [row] = await db.query<ChatRow>(
    `select ${chatColumns} from chats c ${chatJoins}
      where c.workspace_id = $1 and c.contact_id = $2 and c.status <> 'closed'`,
    [workspaceId, contactId],
  );
  return row;
}

export function listWaitingChats(db: Sql, workspaceId: string): Promise<ChatRow[]> {
  return db.query<ChatRow>(
    `select ${chatColumns} from chats c ${chatJoins}
      where c.workspace_id = $1 and c.status = 'waiting' order by c.created_at, c.id limit 200`,
    [workspaceId],
  );
}

export function listAgentChats(db: Sql, workspaceId: string, staffId: string): Promise<ChatRow[]> {
  return db.query<ChatRow>(
    `select ${chatColumns} from chats c ${chatJoins}
      where c.workspace_id = $1 and c.status = 'active' and c.agent_id = $2 order by c.accepted_at, c.id`,
    [workspaceId, staffId],
  );
}

/** Messages after `afterSeq` (up to `uptoSeq`), in order, with their authors' names. */
export function listChatMessages(db: Sql, workspaceId: string, chatId: string, afterSeq = 0, uptoSeq?: number): Promise<ChatMessageRow[]> {
  return db.query<ChatMessageRow>(
    `select m.seq, m.id, m.client_msg_id, m.author_type, m.author_contact_id, m.author_staff_id,
            coalesce(ct.name, st.name) as author_name, m.body, m.created_at
       from chat_messages m
       left join contacts ct on ct.workspace_id = m.workspace_id and ct.id = m.author_contact_id
       left join staff st on st.workspace_id = m.workspace_id and st.id = m.author_staff_id
      where m.workspace_id = $1 and m.chat_id = $2 and m.seq > $3 ${uptoSeq !== undefined ? 'and m.seq <= $4' : ''}
      order by m.seq`,
    uptoSeq !== undefined ? [workspaceId, chatId, afterSeq, uptoSeq] : [workspaceId, chatId, afterSeq],
  );
}

/** The files of a chat's messages (seq > afterSeq), for presenting them. */
export function listChatAttachments(db: Sql, workspaceId: string, chatId: string, afterSeq = 0) {
  return db.query<AttachmentRow & { chat_seq: number }>(
    `select ${attachmentColumns()}, a.chat_seq
       from attachments a where a.workspace_id = $1 and a.chat_id = $2 and a.chat_seq > $3
      order by a.chat_seq, a.created_at, a.id`,
    [workspaceId, chatId, afterSeq],
  );
}

/** Technicians who set themselves online and have a live connection open somewhere. */
export async function countOnlineAgents(db: Sql, workspaceId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from staff
      where workspace_id = $1 and status = 'active' and chat_presence = 'online'
        and live_seen_at > now() - interval '45 seconds'`,
    [workspaceId],
  );
  return row!.n;
}
