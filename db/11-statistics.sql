-- The statistics functions count what every query did, rows the policies hid included:
-- a staff member who reads pg_stat_xact_user_tables, pg_stat_database or pg_statio_*
-- around a query of their own learns whether a hidden row was there, and by repeating
-- it, what a hidden row holds (see SECURITY.md). They are taken from PUBLIC in this
-- database and given to pg_read_all_stats (and so pg_monitor), which monitoring needs.
-- pg_stat_activity goes with them: it maps the process of a NOTIFY to its sender.
do $$
declare
  fn regprocedure;
begin
  for fn in
    select p.oid::regprocedure
    from pg_catalog.pg_proc p
    where p.pronamespace = 'pg_catalog'::regnamespace
      and p.proname like 'pg\_stat\_get\_%'
      and has_function_privilege('public', p.oid, 'execute')
  loop
    execute format('revoke execute on function %s from public', fn);
    execute format('grant execute on function %s to pg_read_all_stats', fn);
  end loop;
end
$$;
