import type { Attachment } from '../../../contracts/attachments.ts';
import type { Chat, ChatMessage } from '../../../contracts/chat.ts';
import type { Sql } from '../../platform/db/db.ts';
import { presentAttachment } from '../attachments/present.ts';
import { listChatAttachments, listChatMessages, type ChatMessageRow, type ChatRow } from './queries.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function presentChat(row: ChatRow): Chat {
  return {
    id: row.id,
    status: row.status,
    contact: { id: row.contact_id, name: row.contact_name, email: row.contact_email },
    client: { id: row.client_id, name: row.client_name },
    agent: row.agent_id ? { id: row.agent_id, name: row.agent_name ?? '' } : null,
    firstMessage: row.first_message,
    createdAt: iso(row.created_at)!,
    acceptedAt: iso(row.accepted_at),
    closedAt: iso(row.closed_at),
    closedBy: row.closed_by,
    ticketNumber: row.ticket_number,
    lastSeq: row.last_seq,
    receipts: {
      contact: { delivered: row.contact_delivered_seq, read: row.contact_read_seq },
      agent: { delivered: row.agent_delivered_seq, read: row.agent_read_seq },
    },
  };
}

export function presentMessage(row: ChatMessageRow, attachments: Attachment[]): ChatMessage {
  const authorId = row.author_contact_id ?? row.author_staff_id;
  return {
    seq: row.seq,
    id: row.id,
    clientId: row.client_msg_id,
    author: { type: row.author_type, id: authorId, name: row.author_type === 'system' ? '' : (row.author_name ?? '') },
    body: row.body,
    createdAt: iso(row.created_at)!,
    attachments,
  };
}

/**
 * A chat's messages after `afterSeq` (through `uptoSeq`), with files whose links start at
 * `filesBase` (a surface's attachments path; `''` for messages on the bus, rebased per
 * connection by `rebaseFiles`).
 */
export async function loadMessages(db: Sql, workspaceId: string, chatId: string, filesBase: string, afterSeq = 0, uptoSeq?: number): Promise<ChatMessage[]> {
  const [rows, files] = await Promise.all([
    listChatMessages(db, workspaceId, chatId, afterSeq, uptoSeq),
    listChatAttachments(db, workspaceId, chatId, afterSeq),
  ]);
  const bySeq = new Map<number, Attachment[]>();
  for (const f of files) {
    const list = bySeq.get(f.chat_seq) ?? [];
    list.push(presentAttachment(f, filesBase));
    bySeq.set(f.chat_seq, list);
  }
  return rows.map((r) => presentMessage(r, bySeq.get(r.seq) ?? []));
}

/** A message presented with base `''`, with its file links moved under a surface's path. */
export function rebaseFiles(message: ChatMessage, filesBase: string): ChatMessage {
  if (message.attachments.length === 0) return message;
  return {
    ...message,
    attachments: message.attachments.map((a) => ({
      ...a,
      url: `${filesBase}${a.url}`,
      previewUrl: a.previewUrl ? `${filesBase}${a.previewUrl}` : null,
    })),
  };
}
