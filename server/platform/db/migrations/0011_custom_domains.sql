-- Custom portal domains (SPEC §9): an admin adds support.client.com for a client (or the
-- workspace); Portico checks its DNS until it points at us, obtains a certificate by ACME
-- HTTP-01, then serves that portal there. The state lives in the row and each step is done by
-- whichever process first leases the row (lease_until), so steps survive restarts and only
-- one process at a time works on a domain.
create table custom_domains (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  client_id uuid,
  hostname text not null unique check (hostname ~ '^[a-z0-9.-]{1,253}$'),
  -- pending_dns → dns_verified → issuing → active; failed (reason says why and what to do).
  state text not null default 'pending_dns' check (state in ('pending_dns', 'dns_verified', 'issuing', 'active', 'failed')),
  reason text,
  dns_found text[] not null default '{}',
  checks integer not null default 0,
  -- Since when DNS has been awaited (the 48-hour window), reset by "check again".
  waiting_since timestamptz not null default now(),
  next_step_at timestamptz not null default now(),
  lease_until timestamptz,
  issue_attempts integer not null default 0,
  dns_verified_at timestamptz,
  active_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id),
  foreign key (workspace_id, client_id) references clients (workspace_id, id) on delete cascade
);
create index custom_domains_due on custom_domains (next_step_at);
create index custom_domains_by_workspace on custom_domains (workspace_id, created_at);
-- One domain per portal (a client's, or the workspace's own): the one its emails link to.
create unique index custom_domains_one_per_portal on custom_domains (workspace_id, coalesce(client_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- The certificate a domain is served with; the private key sealed (AES-256-GCM, SECRET_KEY).
create table domain_certificates (
  domain_id uuid primary key references custom_domains (id) on delete cascade,
  hostname text not null,
  cert_pem text not null,
  key_sealed text not null,
  not_before timestamptz not null,
  not_after timestamptz not null,
  created_at timestamptz not null default now()
);

-- One ACME account per directory, its key sealed.
create table acme_accounts (
  directory_url text primary key,
  key_sealed text not null,
  created_at timestamptz not null default now()
);

-- HTTP-01 answers, served at /.well-known/acme-challenge/{token} by every process.
create table acme_challenges (
  token text primary key,
  key_authorization text not null,
  hostname text not null,
  created_at timestamptz not null default now()
);
