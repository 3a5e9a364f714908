-- A ticket's thread is ordered by time, then by the order rows were written: two rows of one
-- change (a reply and the status change it made) can share a timestamp where the clock is
-- coarse (the embedded database), and a random id must not decide which comes first.
alter table ticket_messages add column position bigint generated always as identity;
drop index ticket_messages_thread;
create index ticket_messages_thread on ticket_messages (ticket_id, created_at, position);
