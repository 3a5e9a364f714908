-- Attachments (SPEC §3). A file is uploaded first and waits as a *pending* upload (no
-- ticket, visible to its uploader only); creating a ticket, reply or note claims it in the
-- same transaction. The blob lives in file storage under `storage_key`, a generated name
-- that never contains anything the user typed.

alter table workspaces
  add column upload_max_files integer not null default 10 check (upload_max_files between 1 and 50),
  add column upload_max_file_bytes bigint not null default 10485760
    check (upload_max_file_bytes between 1048576 and 524288000);

-- Lets an attachment reference a message *of its own ticket*.
alter table ticket_messages add constraint ticket_messages_ticket_id unique (workspace_id, ticket_id, id);

create table attachments (
  workspace_id uuid not null references workspaces (id),
  -- 128 random bits, base64url: unguessable, and not a UUID (122 bits).
  id text primary key check (id ~ '^[A-Za-z0-9_-]{22,64}$'),
  storage_key text not null unique,
  name text not null check (length(name) between 1 and 255),
  size bigint not null check (size > 0),
  -- Detected from the content's magic bytes; `declared_type` is what the browser claimed.
  content_type text not null,
  declared_type text,
  type_mismatch boolean not null default false,
  sha256 text not null,
  uploader_contact_id uuid,
  uploader_staff_id uuid,
  ticket_id uuid,
  -- Null on a claimed attachment: it belongs to the ticket's own description.
  message_id uuid,
  created_at timestamptz not null default now(),
  attached_at timestamptz,
  check (num_nonnulls(uploader_contact_id, uploader_staff_id) = 1),
  check (message_id is null or ticket_id is not null),
  check ((ticket_id is null) = (attached_at is null)),
  foreign key (workspace_id, uploader_contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, uploader_staff_id) references staff (workspace_id, id) on delete cascade,
  foreign key (workspace_id, ticket_id) references tickets (workspace_id, id) on delete cascade,
  foreign key (workspace_id, ticket_id, message_id) references ticket_messages (workspace_id, ticket_id, id) on delete cascade
);
create index attachments_by_ticket on attachments (ticket_id, attached_at) where ticket_id is not null;
create index attachments_pending on attachments (created_at) where ticket_id is null;
create index attachments_pending_by_contact on attachments (workspace_id, uploader_contact_id) where ticket_id is null;
create index attachments_pending_by_staff on attachments (workspace_id, uploader_staff_id) where ticket_id is null;

-- A retried create with the same Idempotency-Key returns the first result instead of
-- creating twice. The key row is written in the create's own transaction.
create table idempotency_keys (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  actor_id uuid not null,
  key text not null check (length(key) between 1 and 255),
  operation text not null,
  request_hash text not null,
  result jsonb not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, actor_id, key)
);
create index idempotency_keys_by_age on idempotency_keys (created_at);
