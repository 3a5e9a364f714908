-- Foundation: workspaces (tenants), clients, contacts, staff, tickets and their threads,
-- sessions and the event log. Every tenant table carries workspace_id, and references
-- between tenant tables are composite (workspace_id, id) so a row can never point into
-- another workspace, whatever the application code does.

create extension if not exists citext;
create extension if not exists pg_trgm;

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$'),
  name text not null check (length(name) between 1 and 120),
  -- Last ticket number handed out; incremented under the row lock, so numbers are
  -- sequential per workspace even with many processes.
  ticket_seq integer not null default 0,
  portal_ticket_creation boolean not null default true,
  portal_ticket_closing boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table clients (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create index clients_by_name on clients (workspace_id, name);

create table contacts (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null,
  email citext not null check (length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 120),
  role text not null check (role in ('member', 'manager')),
  password_hash text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id),
  unique (workspace_id, client_id, id),
  -- A contact signs in at the workspace's portal by email: one contact per address there.
  unique (workspace_id, email),
  foreign key (workspace_id, client_id) references clients (workspace_id, id)
);
create index contacts_by_client on contacts (workspace_id, client_id, name);

create table staff (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  -- Staff sign in at /staff without naming a workspace, so the address is unique overall.
  email citext not null unique check (length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 120),
  role text not null check (role in ('agent', 'admin')),
  password_hash text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);

create table tickets (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  number integer not null check (number > 0),
  client_id uuid not null,
  requester_id uuid not null,
  assignee_id uuid,
  subject text not null check (length(subject) between 1 and 200),
  description text not null check (length(description) <= 20000),
  priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
  status text not null check (status in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
  source text not null check (source in ('portal', 'staff', 'email', 'chat', 'api')),
  created_at timestamptz not null default now(),
  -- Last activity of any kind (reply, note, change): lists sort by it.
  updated_at timestamptz not null default now(),
  solved_at timestamptz,
  closed_at timestamptz,
  unique (workspace_id, number),
  unique (workspace_id, id),
  unique (workspace_id, client_id, id),
  foreign key (workspace_id, client_id) references clients (workspace_id, id),
  -- The requester belongs to the ticket's client.
  foreign key (workspace_id, client_id, requester_id) references contacts (workspace_id, client_id, id),
  foreign key (workspace_id, assignee_id) references staff (workspace_id, id)
);
create index tickets_queue on tickets (workspace_id, updated_at desc, id desc);
create index tickets_by_status on tickets (workspace_id, status, updated_at desc);
create index tickets_by_assignee on tickets (workspace_id, assignee_id, updated_at desc);
create index tickets_by_client on tickets (workspace_id, client_id, updated_at desc, id desc);
create index tickets_by_requester on tickets (workspace_id, requester_id, updated_at desc, id desc);
create index tickets_subject_trgm on tickets using gin (subject gin_trgm_ops);

-- Contacts copied on a ticket: always of the ticket's client.
create table ticket_cc (
  workspace_id uuid not null,
  client_id uuid not null,
  ticket_id uuid not null,
  contact_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (ticket_id, contact_id),
  foreign key (workspace_id, client_id, ticket_id) references tickets (workspace_id, client_id, id) on delete cascade,
  foreign key (workspace_id, client_id, contact_id) references contacts (workspace_id, client_id, id) on delete cascade
);
create index ticket_cc_by_contact on ticket_cc (workspace_id, contact_id, ticket_id);

-- The thread: public replies, internal notes and change events, in time order.
create table ticket_messages (
  workspace_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null,
  kind text not null check (kind in ('reply', 'note', 'event')),
  -- What a contact may see. Notes are never public; replies always are.
  public boolean not null,
  author_contact_id uuid,
  author_staff_id uuid,
  body text not null default '' check (length(body) <= 20000),
  event jsonb,
  created_at timestamptz not null default now(),
  check (kind <> 'note' or not public),
  check (kind <> 'reply' or public),
  check (kind <> 'event' or event is not null),
  check (num_nonnulls(author_contact_id, author_staff_id) <= 1),
  check (author_contact_id is null or kind = 'reply'),
  foreign key (workspace_id, ticket_id) references tickets (workspace_id, id) on delete cascade,
  foreign key (workspace_id, author_contact_id) references contacts (workspace_id, id),
  foreign key (workspace_id, author_staff_id) references staff (workspace_id, id)
);
create index ticket_messages_thread on ticket_messages (ticket_id, created_at, id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  -- SHA-256 of the cookie's random token; the token itself is never stored.
  token_hash text not null unique,
  workspace_id uuid not null references workspaces (id),
  surface text not null check (surface in ('portal', 'staff')),
  contact_id uuid,
  staff_id uuid,
  csrf_token text not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  check ((surface = 'portal' and contact_id is not null and staff_id is null)
      or (surface = 'staff' and staff_id is not null and contact_id is null)),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, staff_id) references staff (workspace_id, id) on delete cascade
);
create index sessions_by_contact on sessions (workspace_id, contact_id) where contact_id is not null;
create index sessions_by_staff on sessions (workspace_id, staff_id) where staff_id is not null;

-- Every mutation records an event in its own transaction: the audit log, and the feed
-- for realtime, notifications, webhooks and reports once they exist.
create table events (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces (id),
  type text not null,
  actor_type text not null check (actor_type in ('contact', 'staff', 'system')),
  actor_id uuid,
  ticket_id uuid,
  payload jsonb not null default '{}',
  ip text,
  created_at timestamptz not null default now()
);
create index events_by_workspace on events (workspace_id, id);
create index events_by_ticket on events (ticket_id, id) where ticket_id is not null;
