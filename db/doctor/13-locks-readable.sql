-- Finding: the lock table readable by everyone. Under SERIALIZABLE it lists the rows a
-- session's policies read, hidden clients and the Client Access List included, so any
-- staff member with a SQL prompt can read the list from it. The package's migration
-- revokes it; a restore, an upgrade or a hand-made grant can bring it back.
create view sequester.doctor_locks_readable as
select
  'error'::text as severity,
  'lock table readable by everyone'::text as finding,
  'pg_catalog.pg_locks'::text as object,
  'PUBLIC may read pg_locks or execute pg_lock_status()'::text as detail,
  'revoke select on pg_catalog.pg_locks from public; '
    || 'revoke execute on function pg_catalog.pg_lock_status() from public; '
    || 'grant select on pg_catalog.pg_locks to pg_read_all_stats; '
    || 'grant execute on function pg_catalog.pg_lock_status() to pg_read_all_stats;' as fix
where has_table_privilege('public', 'pg_catalog.pg_locks', 'select')
  or has_function_privilege('public', 'pg_catalog.pg_lock_status()', 'execute');
