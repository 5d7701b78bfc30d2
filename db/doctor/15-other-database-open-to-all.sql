-- Finding: another database of this server that every role may connect to. pg_locks and
-- pg_stat_database cover the whole server, and this database takes them from PUBLIC
-- only here (db/11-statistics.sql, db/12-locks.sql): a staff member who connects to
-- `postgres` or `template1` reads there the locks and counters of this database's
-- queries, the rows the policies hid included (SECURITY.md).
create view sequester.doctor_other_database_open_to_all as
select
  'error'::text as severity,
  'another database open to every role'::text as finding,
  d.datname::text as object,
  format('every role may connect to %s, where pg_locks and the statistics show what '
    || 'queries here read', d.datname) as detail,
  format('revoke connect on database %I from public;', d.datname) as fix
from pg_database d
where d.datname <> current_database()
  and d.datallowconn
  and has_database_privilege('public', d.oid, 'connect');
