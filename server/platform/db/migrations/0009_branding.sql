-- White-label branding (SPEC §9): one row per level, the workspace's own (client_id null) and
-- any client's override. A null column inherits from the level above (client → workspace →
-- the product's defaults). custom_css holds the sanitised stylesheet only.
create table brand_images (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  content_type text not null,
  bytes bytea not null,
  created_at timestamptz not null default now(),
  unique (workspace_id, id)
);

create table brandings (
  workspace_id uuid not null references workspaces (id),
  client_id uuid,
  portal_name text check (length(portal_name) between 1 and 80),
  primary_color text check (primary_color ~ '^#[0-9a-f]{6}$'),
  accent_color text check (accent_color ~ '^#[0-9a-f]{6}$'),
  custom_css text check (length(custom_css) <= 60000),
  logo_id uuid,
  favicon_id uuid,
  updated_at timestamptz not null default now(),
  unique nulls not distinct (workspace_id, client_id),
  foreign key (workspace_id, client_id) references clients (workspace_id, id) on delete cascade,
  foreign key (workspace_id, logo_id) references brand_images (workspace_id, id),
  foreign key (workspace_id, favicon_id) references brand_images (workspace_id, id)
);

-- Unsaved changes an admin is previewing (the preview frame loads them by id); kept an hour.
create table branding_previews (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  client_id uuid,
  -- The changed fields only (a field set to null clears it); the CSS already sanitised.
  draft jsonb not null,
  created_at timestamptz not null default now(),
  foreign key (workspace_id, client_id) references clients (workspace_id, id) on delete cascade
);
create index branding_previews_by_age on branding_previews (workspace_id, created_at);

-- Mail to contacts goes out in the portal's name ("Harbor Dental IT" <support@…>).
alter table outbox_mail add column from_name text;
