-- Live chat (SPEC §5). A contact's chat waits for a technician, who accepts it; messages
-- carry a per-chat sequence number handed out under the chat's row lock, and the sender's
-- own id, so a message re-sent after a lost acknowledgement is stored once. A closed chat
-- becomes a ticket whose thread is the transcript.

alter table workspaces
  add column chat_enabled boolean not null default true,
  -- null: open whenever a technician is online; else {timezone, days[], from, to}.
  add column chat_hours jsonb;

alter table staff
  add column chat_presence text not null default 'away' check (chat_presence in ('online', 'away')),
  -- Refreshed while the person has a live connection open on some process.
  add column live_seen_at timestamptz;

create table chats (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null,
  contact_id uuid not null,
  agent_id uuid,
  status text not null check (status in ('waiting', 'active', 'closed')),
  first_message text not null,
  last_seq integer not null default 0,
  contact_delivered_seq integer not null default 0,
  contact_read_seq integer not null default 0,
  agent_delivered_seq integer not null default 0,
  agent_read_seq integer not null default 0,
  created_at timestamptz not null default now(),
  accepted_at timestamptz,
  closed_at timestamptz,
  -- 'system': closed after a long silence (see modules/chat/close-chat.ts).
  closed_by text check (closed_by in ('contact', 'staff', 'system')),
  ticket_id uuid,
  unique (workspace_id, id),
  check ((status = 'waiting') = (agent_id is null and closed_at is null) or status = 'closed'),
  check ((status = 'closed') = (closed_at is not null)),
  foreign key (workspace_id, client_id, contact_id) references contacts (workspace_id, client_id, id) on delete cascade,
  foreign key (workspace_id, agent_id) references staff (workspace_id, id),
  foreign key (workspace_id, ticket_id) references tickets (workspace_id, id)
);
-- One open chat per contact.
create unique index chats_open_per_contact on chats (workspace_id, contact_id) where status <> 'closed';
create index chats_waiting on chats (workspace_id, created_at) where status = 'waiting';
create index chats_by_agent on chats (workspace_id, agent_id) where status = 'active';

create table chat_messages (
  workspace_id uuid not null,
  chat_id uuid not null,
  seq integer not null check (seq > 0),
  id uuid not null default gen_random_uuid() unique,
  client_msg_id text check (client_msg_id ~ '^[A-Za-z0-9_-]{8,64}$'),
  author_type text not null check (author_type in ('contact', 'staff', 'system')),
  author_contact_id uuid,
  author_staff_id uuid,
  body text not null check (length(body) <= 4000),
  created_at timestamptz not null default now(),
  primary key (chat_id, seq),
  check ((author_type = 'contact') = (author_contact_id is not null)),
  check ((author_type = 'staff') = (author_staff_id is not null)),
  foreign key (workspace_id, chat_id) references chats (workspace_id, id) on delete cascade,
  foreign key (workspace_id, author_contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, author_staff_id) references staff (workspace_id, id)
);
-- A message re-sent by the same sender with the same id is the same message.
create unique index chat_messages_dedupe on chat_messages (chat_id, author_type, client_msg_id) where client_msg_id is not null;

-- Files sent in a chat are claimed by the chat message; converting the chat to a ticket
-- moves them onto the ticket's transcript messages. Pending = claimed by nothing yet.
alter table attachments
  add column chat_id uuid,
  add column chat_seq integer,
  add constraint attachments_chat_message foreign key (chat_id, chat_seq) references chat_messages (chat_id, seq) on delete cascade,
  drop constraint attachments_check2,
  add constraint attachments_attached check ((attached_at is null) = (ticket_id is null and chat_id is null)),
  add constraint attachments_chat_seq check ((chat_id is null) = (chat_seq is null));
create index attachments_by_chat on attachments (chat_id, chat_seq) where chat_id is not null;
drop index attachments_pending;
drop index attachments_pending_by_contact;
drop index attachments_pending_by_staff;
create index attachments_pending on attachments (created_at) where attached_at is null;
create index attachments_pending_by_contact on attachments (workspace_id, uploader_contact_id) where attached_at is null;
create index attachments_pending_by_staff on attachments (workspace_id, uploader_staff_id) where attached_at is null;
