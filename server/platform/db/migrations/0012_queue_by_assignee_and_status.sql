-- An agent's queue filters by assignee and statuses (the staff app's default view: assigned to
-- me, unsolved) and pages by last activity. The old index (workspace, assignee, updated_at)
-- ordered the page but left the status to the heap: counting one technician's 571 unsolved
-- tickets among their 17,484 read 2,808 pages (6.8 ms). With the status in the key the count
-- and the page are index-only over exactly the matching entries (0.6 ms); a view of every
-- status for one assignee sorts the assignee's tickets instead (its count already reads up
-- to 10,000 entries).
create index tickets_by_assignee_status on tickets (workspace_id, assignee_id, status, updated_at desc, id desc);
drop index tickets_by_assignee;
