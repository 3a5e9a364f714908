-- A self-registration request waits here for its job (the job payload carries only the id,
-- so no password hash sits in the queue's tables); the job deletes it when done.
create table registration_requests (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  email citext not null,
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);
