-- Portal sign-in methods, MFA, the mail outbox and shared rate limits.

-- Which sign-in methods a workspace's portals offer, and their settings.
alter table workspaces
  add column signin_password boolean not null default true,
  add column signin_magic_link boolean not null default true,
  add column signin_access_link boolean not null default true,
  -- off | known (existing contacts and known client email domains) | open
  add column registration text not null default 'known' check (registration in ('off', 'known', 'open')),
  -- With open registration, people whose domain matches no client join this client.
  add column registration_client_id uuid,
  add column mfa_required_contacts boolean not null default false,
  add column mfa_required_staff boolean not null default false,
  add column magic_link_ttl_hours integer not null default 168 check (magic_link_ttl_hours between 1 and 720),
  add column access_link_ttl_days integer not null default 30 check (access_link_ttl_days between 1 and 365),
  add foreign key (id, registration_client_id) references clients (workspace_id, id);

-- Email domains that identify a client's people (for self-registration).
alter table clients add column email_domains text[] not null default '{}';

alter table contacts
  add column email_verified_at timestamptz,
  add column totp_secret text,
  add column totp_pending_secret text,
  add column totp_enabled_at timestamptz,
  add column totp_last_step bigint;
-- Contacts created so far were created by staff: their addresses count as vouched for.
update contacts set email_verified_at = created_at;

alter table staff
  add column totp_secret text,
  add column totp_pending_secret text,
  add column totp_enabled_at timestamptz,
  add column totp_last_step bigint;

-- A session is 'mfa' (password or link accepted, second factor still due; it opens only the
-- MFA endpoints) or 'active'. `authenticated_at` is when the person last proved who they are.
alter table sessions
  add column stage text not null default 'active' check (stage in ('mfa', 'active')),
  add column method text not null default 'password',
  add column authenticated_at timestamptz not null default now();

-- One-time and limited-use links: verification, password reset, magic link, portal access
-- link, invitation. Only the SHA-256 of the token is stored.
create table auth_tokens (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  purpose text not null check (purpose in ('verify_email', 'password_reset', 'magic_link', 'access_link', 'invitation')),
  token_hash text not null unique,
  contact_id uuid,
  staff_id uuid,
  ticket_id uuid,
  created_by_staff_id uuid,
  created_by_contact_id uuid,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  unique (workspace_id, id),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, staff_id) references staff (workspace_id, id) on delete cascade,
  foreign key (workspace_id, ticket_id) references tickets (workspace_id, id) on delete cascade,
  foreign key (workspace_id, created_by_staff_id) references staff (workspace_id, id),
  foreign key (workspace_id, created_by_contact_id) references contacts (workspace_id, id)
);
create index auth_tokens_by_contact on auth_tokens (workspace_id, contact_id, purpose);
create index auth_tokens_by_ticket on auth_tokens (workspace_id, ticket_id) where ticket_id is not null;

-- Every use of a portal access link.
create table auth_token_uses (
  workspace_id uuid not null,
  token_id uuid not null,
  used_at timestamptz not null default now(),
  ip text,
  user_agent text,
  foreign key (workspace_id, token_id) references auth_tokens (workspace_id, id) on delete cascade
);
create index auth_token_uses_by_token on auth_token_uses (token_id, used_at);

create table mfa_recovery_codes (
  workspace_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  contact_id uuid,
  staff_id uuid,
  code_hash text not null,
  used_at timestamptz,
  check (num_nonnulls(contact_id, staff_id) = 1),
  foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, staff_id) references staff (workspace_id, id) on delete cascade
);
create index mfa_recovery_codes_by_owner on mfa_recovery_codes (workspace_id, contact_id, staff_id);

-- The mail outbox: written in the transaction that causes the mail, delivered by a job.
create table outbox_mail (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  template text not null,
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text not null,
  -- queued → sent (by SMTP) | stored (no SMTP: kept for the Mailbox page) | failed (gave up)
  status text not null default 'queued' check (status in ('queued', 'sent', 'stored', 'failed')),
  attempts integer not null default 0,
  last_error text,
  contact_id uuid,
  ticket_id uuid,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (workspace_id, id)
);
create index outbox_mail_by_workspace on outbox_mail (workspace_id, created_at desc);
create index outbox_mail_queued on outbox_mail (created_at) where status = 'queued';

-- Fixed-window counters shared by every process (rate limits).
create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);
