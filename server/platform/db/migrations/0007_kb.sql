-- Knowledge base (SPEC §7). Articles are Markdown, rendered and sanitised on save; the
-- search vector (title weight A, body weight B) is computed on save with the workspace's
-- text search configuration. Visibility is a column checked inside every portal query.

alter table workspaces
  add column kb_language text not null default 'english'
    check (kb_language in ('english', 'simple', 'danish', 'dutch', 'finnish', 'french', 'german', 'italian',
                           'norwegian', 'portuguese', 'spanish', 'swedish'));

create table kb_categories (
  workspace_id uuid not null references workspaces (id),
  id uuid primary key default gen_random_uuid(),
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null check (length(name) between 1 and 80),
  description text not null default '' check (length(description) <= 300),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  unique (workspace_id, slug),
  unique (workspace_id, id)
);

create table kb_articles (
  workspace_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  category_id uuid not null,
  -- The current slug; every slug it ever had is in kb_slugs (old ones redirect).
  slug text not null,
  title text not null check (length(title) between 1 and 200),
  markdown text not null default '' check (length(markdown) <= 100000),
  html text not null default '',
  -- Plain text of the rendered article: search, snippets and excerpts.
  body_text text not null default '',
  status text not null default 'draft' check (status in ('draft', 'published')),
  visibility text not null default 'contacts' check (visibility in ('public', 'contacts', 'clients', 'internal')),
  search tsvector not null default ''::tsvector,
  views integer not null default 0,
  helpful integer not null default 0,
  not_helpful integer not null default 0,
  deflections integer not null default 0,
  author_staff_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  unique (workspace_id, slug),
  unique (workspace_id, id),
  foreign key (workspace_id, category_id) references kb_categories (workspace_id, id),
  foreign key (workspace_id, author_staff_id) references staff (workspace_id, id)
);
create index kb_articles_search on kb_articles using gin (search);
create index kb_articles_by_category on kb_articles (workspace_id, category_id, status, updated_at desc);

-- Articles restricted to chosen clients (visibility = 'clients').
create table kb_article_clients (
  workspace_id uuid not null,
  article_id uuid not null,
  client_id uuid not null,
  primary key (article_id, client_id),
  foreign key (workspace_id, article_id) references kb_articles (workspace_id, id) on delete cascade,
  foreign key (workspace_id, client_id) references clients (workspace_id, id) on delete cascade
);
create index kb_article_clients_by_client on kb_article_clients (workspace_id, client_id);

-- Every slug an article has had, so links keep working after a title change.
create table kb_slugs (
  workspace_id uuid not null,
  slug text not null,
  article_id uuid not null,
  primary key (workspace_id, slug),
  foreign key (workspace_id, article_id) references kb_articles (workspace_id, id) on delete cascade
);

-- One vote per person (contact) or per browser (anonymous visitor cookie, hashed).
create table kb_votes (
  workspace_id uuid not null,
  article_id uuid not null,
  voter text not null check (length(voter) <= 100),
  helpful boolean not null,
  created_at timestamptz not null default now(),
  primary key (article_id, voter),
  foreign key (workspace_id, article_id) references kb_articles (workspace_id, id) on delete cascade
);

create table kb_deflections (
  workspace_id uuid not null,
  article_id uuid not null,
  contact_id uuid,
  query text not null default '',
  created_at timestamptz not null default now(),
  foreign key (workspace_id, article_id) references kb_articles (workspace_id, id) on delete cascade
);

-- Searches that found nothing: what to write next.
create table kb_failed_searches (
  workspace_id uuid not null references workspaces (id),
  query text not null check (length(query) between 1 and 200),
  count integer not null default 1,
  last_at timestamptz not null default now(),
  primary key (workspace_id, query)
);

-- Images in articles: uploaded like any file, then claimed by the article that shows them
-- (written `![alt](kb-file:{id})` in its Markdown). Served to whoever may read the article.
alter table attachments
  add column kb_article_id uuid,
  add constraint attachments_kb_article foreign key (workspace_id, kb_article_id) references kb_articles (workspace_id, id) on delete cascade,
  drop constraint attachments_attached,
  add constraint attachments_attached check ((attached_at is null) = (ticket_id is null and chat_id is null and kb_article_id is null));
create index attachments_by_kb_article on attachments (kb_article_id) where kb_article_id is not null;
