-- pg_locks lists every lock of every session, and under SERIALIZABLE a session holds a
-- predicate lock (SIReadLock) on each row and index page it read, the rows a policy read
-- for it included: the Client Access List record of a client it probed, the row of a
-- hidden client. A staff member who reads pg_locks after a query of their own, or while
-- a colleague's transaction is open, learns which clients are sequestered without any
-- EXPLAIN. The view and the function behind it are taken from PUBLIC in this database
-- and given to pg_read_all_stats (and so pg_monitor), which lock monitoring needs.
revoke select on pg_catalog.pg_locks from public;
revoke execute on function pg_catalog.pg_lock_status() from public;
grant select on pg_catalog.pg_locks to pg_read_all_stats;
grant execute on function pg_catalog.pg_lock_status() to pg_read_all_stats;
