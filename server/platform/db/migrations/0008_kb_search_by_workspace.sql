-- Knowledge base search is always within one workspace: index (workspace_id, search) together
-- (btree_gin), so a search reads only its workspace's matches instead of intersecting every
-- workspace's matches with all of the workspace's articles (bench data set, 4,051 articles in
-- the workspace, 2,826 matching "printer" across workspaces: 2.0 ms against 4.3 ms).
create extension if not exists btree_gin;
drop index kb_articles_search;
create index kb_articles_search on kb_articles using gin (workspace_id, search);
