-- Finding: statistics functions that every role may call. They count the rows a query
-- touched, hidden ones included, so any staff member with a SQL prompt can probe for
-- hidden clients with them. The package's migration revokes them; a restore, an upgrade
-- or a hand-made grant can bring them back.
create view sequester.doctor_statistics_readable as
select
  'error'::text as severity,
  'statistics readable by everyone'::text as finding,
  count(*)::text || ' pg_stat_get_* functions' as object,
  'PUBLIC may execute ' || string_agg(p.proname, ', ' order by p.proname) as detail,
  'Run the migration''s db/11-statistics.sql again (revoke them from public, grant them '
    || 'to pg_read_all_stats).' as fix
from pg_proc p
where p.pronamespace = 'pg_catalog'::regnamespace
  and p.proname like 'pg\_stat\_get\_%'
  and has_function_privilege('public', p.oid, 'execute')
having count(*) > 0;
